import type pg from "pg";
import type { SpanContent } from "../../content/types.js";
import type { Span } from "../../span/types.js";
import { exportPageSql, firstIngestedAtSql } from "../export-sql.js";
import type { SessionStore } from "../sessions.js";
import type {
  AlertStatePart,
  ExportQuery,
  ExpositionQuery,
  ExpositionRow,
  JsonObject,
  Store,
  StoreHealth,
  SummaryQuery,
  SummaryRow,
  TraceQuery,
  TraceSearchResult,
} from "../store.js";
import { createClient, createPool, type PgTarget, parseStorageUrl, pickSsl } from "./connect.js";
import { ensureContentTable, PgContent } from "./content.js";
import { exposePg } from "./exposition.js";
import { filterConditions, Params } from "./filter.js";
import { insertStatement } from "./insert.js";
import { AlertLeader } from "./leader.js";
import { migrate } from "./migrate.js";
import { Partitions } from "./partitions.js";
import { deleteBeforePg } from "./retention.js";
import { PgScores } from "./scores.js";
import { getTracePg, searchTracesPg } from "./search.js";
import { postgresSessions } from "./sessions.js";
import { summarizePg } from "./summarize.js";

export interface PostgresOptions {
  /** How often the connection is checked while idle, so health notices an outage (default 2 s). */
  probeIntervalMs?: number;
  /** Pool size (default 8). */
  maxConnections?: number;
  /** How long a query waits for a new connection before failing (default 3 s). */
  connectTimeoutMs?: number;
}

/** A probe slower than this counts as an outage (a host that stopped answering). */
const PROBE_TIMEOUT_MS = 3000;
/** A client waiting for its 202 gets a 503 after this long when the database stops answering. */
const INSERT_TIMEOUT_MS = 15_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const codeOf = (e: unknown) => (typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined);

/**
 * True when an error means the database cannot serve (network, timeout, no SQL state at all;
 * or SQL state classes 08 connection, 53 resources such as disk full, 57 shutdown, 58 system),
 * as opposed to one bad statement.
 */
function isOutage(e: unknown): boolean {
  const code = codeOf(e);
  // Node's own errors carry codes such as ECONNREFUSED; SQL states are five characters.
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|53|57|58)/.test(code);
}

/**
 * The shared PostgreSQL store: several tokentrace servers behind one load balancer use one
 * database. Spans are partitioned by day; per-hour and per-day rollups make long metric
 * windows cheap; alert evaluation is led by one instance at a time (advisory lock).
 *
 * @example const store = await PostgresStore.open("postgres://postgres@127.0.0.1:5432/app?schema=tokentrace");
 */
export class PostgresStore implements Store {
  readonly driver = "postgres" as const;
  private state: StoreHealth = { ok: true };
  private closing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly parts: Partitions;
  private readonly leader: AlertLeader;
  readonly content: PgContent;
  readonly scores: PgScores;
  readonly sessions: SessionStore;

  private constructor(
    readonly target: PgTarget,
    private readonly pool: pg.Pool,
    o: PostgresOptions,
  ) {
    this.parts = new Partitions(pool, target.schema);
    this.leader = new AlertLeader(() => createClient(target, { connectTimeoutMs: o.connectTimeoutMs }), target.schema);
    this.content = new PgContent(this.run);
    this.scores = new PgScores(this.run);
    this.sessions = postgresSessions(this.run);
    this.timer = setInterval(() => void this.probe(), o.probeIntervalMs ?? 2000);
    this.timer.unref();
  }

  /** Connects, applies migrations and starts watching the connection. */
  static async open(url: string, o: PostgresOptions = {}): Promise<PostgresStore> {
    const target = await pickSsl(parseStorageUrl(url), o.connectTimeoutMs);
    let store: PostgresStore | null = null;
    const pool = createPool(target, (err) => store?.fail(err), {
      max: o.maxConnections,
      connectTimeoutMs: o.connectTimeoutMs,
    });
    try {
      await migrate(pool, target.schema);
      await ensureContentTable(pool, target.schema);
    } catch (err) {
      await pool.end().catch(() => undefined);
      // The CLI turns these codes into "cannot connect to PostgreSQL at <url>: ..." (password hidden).
      const code = codeOf(err);
      if (code === "ECONNREFUSED" || code === "28P01" || code === "3D000") throw err;
      throw new Error(`cannot open the postgres store (schema ${target.schema}): ${message(err)}`);
    }
    store = new PostgresStore(target, pool, o);
    return store;
  }

  private fail(err: unknown): void {
    this.state = { ok: false, reason: `postgres unreachable or failing: ${message(err)}` };
  }

  /** Runs one statement; a failure marks the store unhealthy until a statement or probe succeeds. */
  private async query(text: string, values: unknown[] = [], timeoutMs?: number): Promise<Record<string, unknown>[]> {
    if (this.closing !== null) throw new Error("store is closed");
    try {
      const r = await this.pool.query({ text, values, ...(timeoutMs && { query_timeout: timeoutMs }) });
      this.state = { ok: true };
      return r.rows as Record<string, unknown>[];
    } catch (err) {
      if (isOutage(err)) this.fail(err);
      throw err;
    }
  }

  private readonly run = (text: string, values: unknown[]) => this.query(text, values);

  private probing: Promise<StoreHealth> | null = null;

  /**
   * Checks the database answers within a few seconds; health follows. One probe at a time: a
   * database that stopped answering (not refusing) must not pile up waiting probes.
   */
  probe(): Promise<StoreHealth> {
    if (this.closing !== null) return Promise.resolve(this.health());
    this.probing ??= this.query("SELECT 1", [], PROBE_TIMEOUT_MS)
      .catch(() => undefined)
      .then(() => {
        this.probing = null;
        return this.health();
      });
    return this.probing;
  }

  async insert(spans: Span[], content?: SpanContent[]): Promise<void> {
    if (content !== undefined) await this.content.insertContent(content);
    if (spans.length === 0) return;
    const { text, values } = insertStatement(spans);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.parts.ensure(spans.map((s) => s.started_at));
        await this.query(text, values, INSERT_TIMEOUT_MS);
        return;
      } catch (err) {
        const code = codeOf(err);
        // 23514: a partition another instance's retention dropped; 40P01/40001: lock conflicts.
        const retry = code === "23514" || code === "40P01" || code === "40001";
        if (!retry || attempt >= 3) {
          if (isOutage(err)) this.fail(err);
          throw err;
        }
        this.parts.reset();
      }
    }
  }

  getTrace(traceId: string): Promise<Span[]> {
    return getTracePg(this.run, traceId);
  }

  searchTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return searchTracesPg(this.run, q);
  }

  summarize(q: SummaryQuery): Promise<SummaryRow[]> {
    return summarizePg(this.run, q);
  }

  exposition(q: ExpositionQuery): Promise<ExpositionRow[]> {
    return exposePg(this.run, q);
  }

  exportPage(q: ExportQuery): Promise<Span[]> {
    const d = {
      run: this.run,
      params: () => new Params(),
      filter: filterConditions,
      attributes: "attributes::text AS attributes",
    };
    return exportPageSql(d, q);
  }

  firstIngestedAt(from: number): Promise<number | null> {
    return firstIngestedAtSql(this.run, from);
  }

  async clock(): Promise<number> {
    const rows = await this.run("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS t", []);
    return Number(rows[0].t);
  }

  async countSpans(): Promise<number> {
    // GET /health asks this: a database that stopped answering must not hang the health check.
    const rows = await this.query("SELECT coalesce(sum(n), 0) AS n FROM span_days", [], PROBE_TIMEOUT_MS);
    return rows[0].n as number;
  }

  deleteBefore(before: number): Promise<number> {
    return deleteBeforePg(this.pool, this.parts, before);
  }

  async listAlertRules(): Promise<JsonObject[]> {
    const rows = await this.query('SELECT rule::text AS rule FROM alert_rules ORDER BY name COLLATE "C"');
    return rows.map((r) => JSON.parse(r.rule as string) as JsonObject);
  }

  async saveAlertRule(name: string, rule: JsonObject): Promise<void> {
    await this.query(
      "INSERT INTO alert_rules (name, rule) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO UPDATE SET rule = excluded.rule",
      [name, JSON.stringify(rule)],
    );
  }

  async addAlertRule(name: string, rule: JsonObject): Promise<boolean> {
    const r = await this.pool.query(
      "INSERT INTO alert_rules (name, rule) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING",
      [name, JSON.stringify(rule)],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deleteAlertRule(name: string): Promise<boolean> {
    const r = await this.pool.query("DELETE FROM alert_rules WHERE name = $1", [name]);
    return (r.rowCount ?? 0) > 0;
  }

  async loadAlertStates(): Promise<Record<string, JsonObject>> {
    const rows = await this.query("SELECT name, state::text AS state FROM alert_state");
    return Object.fromEntries(rows.map((r) => [r.name as string, JSON.parse(r.state as string) as JsonObject]));
  }

  async saveAlertState(name: string, state: JsonObject): Promise<void> {
    await this.query(
      "INSERT INTO alert_state (name, state) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO UPDATE SET state = excluded.state",
      [name, JSON.stringify(state)],
    );
  }

  async saveAlertStatePart(name: string, state: JsonObject, part: AlertStatePart): Promise<void> {
    // `||` keeps the right-hand keys: the silences (of the rule and of its groups) from one
    // side, the rest from the other
    const keep = (side: string) =>
      `jsonb_build_object('silenced_until', ${side}.state->'silenced_until') || CASE WHEN ${side}.state ? 'group_silences'
        THEN jsonb_build_object('group_silences', ${side}.state->'group_silences') ELSE '{}'::jsonb END`;
    const merged =
      part === "silence" ? `alert_state.state || ${keep("excluded")}` : `excluded.state || ${keep("alert_state")}`;
    await this.query(
      `INSERT INTO alert_state (name, state) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO UPDATE SET state = ${merged}`,
      [name, JSON.stringify(state)],
    );
  }

  tryLeadAlerts(): Promise<boolean> {
    if (this.closing !== null) return Promise.resolve(false);
    return this.leader.tryLead();
  }

  health(): StoreHealth {
    return this.closing !== null ? { ok: false, reason: "store is closed" } : { ...this.state };
  }

  /** Releases the alert lock and closes every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.leader.close();
      await this.pool.end().catch(() => undefined);
    })();
    return this.closing;
  }
}
