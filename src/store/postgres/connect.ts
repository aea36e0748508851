import pg from "pg";

/** Where the store lives: the connection string for pg and the schema holding the tables. */
export interface PgTarget {
  connectionString: string;
  schema: string;
  /**
   * `allow` and `prefer` (libpq's default) try one way and fall back to the other, which pg
   * cannot do by itself: pickSsl() probes and settles the connection string. null when the
   * URL has no sslmode (pg's default: no TLS).
   */
  sslFallback?: "allow" | "prefer";
}

/** libpq's sslmode values, weakest first. */
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Splits `storage.url` into pg's connection string and the schema. `?schema=NAME` (our own
 * parameter, removed before pg sees the URL) puts every table in that schema, so several
 * deployments or test runs can share one database; default `public`.
 *
 * @example parseStorageUrl("postgres://u@db/app?schema=tokentrace") // { schema: "tokentrace", ... }
 */
export function parseStorageUrl(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("storage.url must be a URL such as postgres://user:password@host:5432/database");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`storage.url must start with postgres:// (got ${parsed.protocol}//)`);
  }
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!SCHEMA_RE.test(schema)) {
    throw new Error(
      `storage.url schema "${schema}" must be letters, digits and _ (at most 63), not starting with a digit`,
    );
  }
  parsed.searchParams.delete("schema");
  const mode = parsed.searchParams.get("sslmode");
  if (mode === null) return { connectionString: parsed.toString(), schema };
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new Error(`storage.url sslmode "${mode}" must be one of ${SSL_MODES.join(", ")} (as in libpq)`);
  }
  if (mode === "verify-ca" && parsed.searchParams.get("sslrootcert") === null) {
    throw new Error(
      "storage.url sslmode=verify-ca needs sslrootcert=FILE, the CA certificate to check the server against",
    );
  }
  // pg's own reading of sslmode treats require and verify-ca as verify-full and warns at
  // length; uselibpqcompat gives libpq's meaning (require: encrypted, not verified) quietly.
  parsed.searchParams.set("uselibpqcompat", "true");
  if (mode === "allow" || mode === "prefer") {
    parsed.searchParams.set("sslmode", mode === "allow" ? "disable" : "prefer");
    return { connectionString: parsed.toString(), schema, sslFallback: mode };
  }
  return { connectionString: parsed.toString(), schema };
}

/** The same target with the other half of an allow/prefer fallback: TLS off, or TLS unverified. */
function otherWay(t: PgTarget): PgTarget {
  const u = new URL(t.connectionString);
  u.searchParams.set("sslmode", t.sslFallback === "allow" ? "prefer" : "disable");
  return { connectionString: u.toString(), schema: t.schema };
}

/**
 * Settles sslmode=allow or prefer as libpq does: prefer tries TLS first and connects without
 * it when the server has none; allow tries without TLS first and uses it when the server
 * demands it. Other targets are returned as they are.
 */
export async function pickSsl(t: PgTarget, connectTimeoutMs = 3000): Promise<PgTarget> {
  if (t.sslFallback === undefined) return t;
  const first = { connectionString: t.connectionString, schema: t.schema };
  const c = createClient(first, { connectTimeoutMs });
  try {
    await c.connect();
    return first;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    const refusedTls = t.sslFallback === "prefer" && /does not support SSL/i.test(msg);
    // pg_hba.conf has only hostssl lines for us: "no pg_hba.conf entry ... no encryption"
    const needsTls = t.sslFallback === "allow" && code === "28000" && /no encryption/i.test(msg);
    if (refusedTls || needsTls) return otherWay(t);
    // any other failure is reported by the real connection, with its usual message
    return first;
  } finally {
    await c.end().catch(() => undefined);
  }
}

// bigint (int8) and numeric arrive as text by default; every value we store fits a double
// (token counts, epoch ms), and numeric sums are turned into numbers once, at the edge.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Shown in pg_stat_activity, so an operator (or a test) can tell which instance holds what. */
const APPLICATION_NAME = `tokentrace pid ${process.pid}`;

export interface PoolOptions {
  max?: number;
  /** How long a query waits for a connection before failing (the database is unreachable). */
  connectTimeoutMs?: number;
}

/** A pool whose sessions use the target schema; errors of idle clients go to `onError`. */
export function createPool(t: PgTarget, onError: (err: Error) => void, o: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: t.connectionString,
    max: o.max ?? 8,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
    // A TCP connection to a vanished host otherwise hangs until the OS gives up (minutes).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    query_timeout: 60_000,
    options: `-c search_path=${t.schema}`,
    application_name: APPLICATION_NAME,
    types,
  } as pg.PoolConfig);
  pool.on("error", onError);
  return pool;
}

/** A single client outside the pool (the alert leadership lock lives on its own session). */
export function createClient(t: PgTarget, o: PoolOptions = {}): pg.Client {
  return new pg.Client({
    connectionString: t.connectionString,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 3000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: `-c search_path=${t.schema}`,
    application_name: APPLICATION_NAME,
    types,
  } as pg.ClientConfig);
}

/** SQL identifier quoting (schema and partition names are ours, quoted anyway). */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Runs `fn` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
 * it throws. A connection that fails meanwhile is discarded, not returned to the pool, and
 * its late 'error' event is caught here (a checked-out pg client has no other listener).
 */
export async function transaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure = err;
  };
  c.on("error", onError);
  try {
    await c.query("BEGIN");
    const out = await fn(c);
    await c.query("COMMIT");
    return out;
  } catch (err) {
    failure ??= err instanceof Error ? err : new Error(String(err));
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.off("error", onError);
    // Passing an error destroys the connection: only a clean one goes back to the pool.
    c.release(failure !== undefined && isBroken(failure) ? failure : undefined);
  }
}

/** True for errors that leave no usable session behind (no SQL state: network, timeout). */
function isBroken(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code);
}
