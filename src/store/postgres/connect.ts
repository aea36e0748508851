import pg from "pg";

/** Where the store lives: the connection string for pg and the schema holding the tables. */
export interface PgTarget {
  connectionString: string;
  schema: string;
}

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
  return { connectionString: parsed.toString(), schema };
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
export const APPLICATION_NAME = `tokentrace pid ${process.pid}`;

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
