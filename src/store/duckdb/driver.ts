import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { SpanContent } from "../../content/types.js";
import type { Span } from "../../span/types.js";
import { exportPageSql, firstIngestedAtSql } from "../export-sql.js";
import { type Dimensions, NO_DIMENSIONS } from "../rollup/dimensions.js";
import { LATENCY_LE, QUALITY_LE } from "../rollup/fields.js";
import { planWindow } from "../rollup/plan.js";
import type { SessionStore } from "../sessions.js";
import type {
  ExportQuery,
  ExpositionQuery,
  ExpositionRow,
  GroupSizeQuery,
  JsonObject,
  Store,
  StoreHealth,
  SummaryQuery,
  SummaryRow,
  TraceQuery,
  TraceSearchResult,
} from "../store.js";
import { AlertStateWriter } from "./alert-states.js";
import { WorkerClient, WorkerError } from "./client.js";
import { DuckDbContent } from "./content.js";
import { filterConditions, Params } from "./filter.js";
import { type RebuildProgress, readStatus, rebuildStep, retainSql } from "./rollup-maintain.js";
import { rollupsAnswer, summarizeRollups } from "./rollup-read.js";
import { DuckDbScores } from "./scores.js";
import { getTraceSql, searchTracesSql } from "./search.js";
import { duckdbSessions } from "./sessions.js";
import { exposeDuckdb, groupSizesDuckdb, type SqlRunner, summarizeDuckdb } from "./summarize.js";

export interface DuckDbOptions {
  /** Declared attribute dimensions (metrics.dimensions) rolled up with the spans. */
  dimensions?: Dimensions;
  /**
   * When the rollups are not current (an older file, changed dimensions, an interrupted
   * rebuild): "background" (default) rebuilds them while the store serves, reading spans
   * meanwhile; "none" leaves that to rebuildRollups() (the `rollups rebuild` command).
   */
  rebuild?: "background" | "none";
}

const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

// Two DuckDBInstance objects on one file in one process corrupt it: one store per path.
const openPaths = new Set<string>();

// The registry key: symlinks and relative paths resolved, so two spellings of one file
// are one entry. Creates the directory, as opening a file in a new place should.
function canonical(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  mkdirSync(dirname(abs), { recursive: true });
  return join(realpathSync(dirname(abs)), basename(abs));
}

function openError(path: string, e: unknown): Error {
  if (e instanceof WorkerError && e.code === "locked") {
    // code STORE_LOCKED: `tokentrace export` then goes through the running server instead.
    return Object.assign(
      new Error(
        `storage file ${path} is in use by another process (${e.message}). ` +
          "A DuckDB file can be opened by one tokentrace process at a time; use storage.driver postgres to share storage.",
      ),
      { code: "STORE_LOCKED" },
    );
  }
  return new Error(`cannot open storage file ${path}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * The embedded DuckDB store. The database runs on a worker thread; every call here is a
 * message to it, so the event loop never waits on the appender or a checkpoint.
 *
 * @example const store = await DuckDbStore.open("./.tokentrace/spans.duckdb");
 */
/** A failed insert is cleared by an insert of at least this many spans (or as many as failed). */
const RECOVER_SPANS = 100;

export class DuckDbStore implements Store, SqlRunner {
  private readonly states = new AlertStateWriter((statements) => this.batch(statements));
  readonly driver = "duckdb" as const;
  private state: StoreHealth = { ok: true };
  /** Spans an insert must carry to clear a failed state (see write). */
  private recoverAt = 0;
  private closing: Promise<void> | null = null;
  /** Rollups are current: reads may use them. Until then (a rebuild is due) they read spans. */
  private rollupsReady = false;
  private rebuilding: Promise<void> | null = null;
  readonly content: DuckDbContent;
  readonly scores: DuckDbScores;
  readonly sessions: SessionStore;

  private constructor(
    readonly path: string,
    private readonly client: WorkerClient,
    readonly dimensions: Dimensions,
  ) {
    this.content = new DuckDbContent(client, (f) => this.write(f));
    this.scores = new DuckDbScores(
      (sql, params) => this.all(sql, params),
      (statements) => this.write(() => this.client.request({ op: "runApart", statements })),
      (scores) => this.write(() => this.client.request({ op: "upsertScores", scores })),
    );
    this.sessions = duckdbSessions((sql, params) => this.all(sql, params));
  }

  /** Opens (creating if needed) the file; `:memory:` gives a throwaway in-memory database. */
  static async open(path: string, options: DuckDbOptions = {}): Promise<DuckDbStore> {
    const store = await DuckDbStore.openFile(path, options.dimensions ?? NO_DIMENSIONS);
    store.rollupsReady = (await readStatus((sql, p) => store.all(sql, p), store.dimensions)).ready;
    if (!store.rollupsReady && options.rebuild !== "none") {
      store.rebuilding = store.rebuildRollups().catch((e: unknown) => {
        process.stderr.write(`tokentrace: rebuilding rollups failed: ${e instanceof Error ? e.message : String(e)}\n`);
      });
    }
    return store;
  }

  private static async openFile(path: string, dimensions: Dimensions): Promise<DuckDbStore> {
    const key = path === ":memory:" ? null : canonical(path);
    if (key !== null) {
      if (openPaths.has(key)) {
        throw new Error(`storage file ${key} is already open in this process; share the one Store instead`);
      }
      openPaths.add(key);
    }
    try {
      const client = await WorkerClient.start({ path: key ?? ":memory:", dimensions });
      return new DuckDbStore(key ?? ":memory:", client, dimensions);
    } catch (e) {
      if (key !== null) openPaths.delete(key);
      throw openError(key ?? path, e);
    }
  }

  /** Runs a read query on the worker; rows come back as plain JS values (BIGINT/DECIMAL → number). */
  async all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    return (await this.client.request({ op: "all", sql, params })) as Record<string, unknown>[];
  }

  // Every write goes through here so a failure (disk full, read-only file, ...) shows in health().
  // After a failed insert of n spans, only an insert of min(n, RECOVER_SPANS) or more spans
  // clears it: a small write that still fits on a full disk must not make /health flap to 200
  // while normal batches keep failing. `spans` is the size of this write (0 for other writes).
  private async write<T>(f: () => Promise<unknown>, spans = 0): Promise<T> {
    try {
      const r = (await f()) as T;
      if (spans >= this.recoverAt) {
        this.state = { ok: true };
        this.recoverAt = 0;
      }
      return r;
    } catch (e) {
      this.state = { ok: false, reason: `last write failed: ${e instanceof Error ? e.message : String(e)}` };
      this.recoverAt = Math.max(this.recoverAt, Math.min(spans, RECOVER_SPANS));
      throw e;
    }
  }

  private run(sql: string, params: unknown[]): Promise<number> {
    return this.write(() => this.client.request({ op: "run", statements: [{ sql, params }] })).then(
      (r) => (r as number[])[0],
    );
  }

  /** Runs write statements in one transaction; resolves with each one's changed-row count. */
  private batch(statements: { sql: string; params: unknown[] }[]): Promise<number[]> {
    return this.write(() => this.client.request({ op: "run", statements }));
  }

  async insert(spans: Span[], content?: SpanContent[]): Promise<void> {
    if (spans.length === 0) {
      if (content !== undefined) await this.content.insertContent(content);
      return;
    }
    await this.write(() => this.client.request({ op: "insert", spans, content }), spans.length);
  }

  getTrace(traceId: string): Promise<Span[]> {
    return getTraceSql(this, traceId);
  }

  searchTraces(q: TraceQuery): Promise<TraceSearchResult> {
    return searchTracesSql(this, q);
  }

  /** Whether rollups answer a summary (else spans do). */
  private fromRollups(q: SummaryQuery): boolean {
    // Declared dimensions fold ("(other)") the same way whether rollups or spans answer.
    const names = this.dimensions.names;
    const folds = q.groupBy !== undefined && "attr" in q.groupBy && names.includes(q.groupBy.attr);
    const attrs = Object.keys(q.filter.attrs ?? {});
    const dims = folds || attrs.some((k) => names.includes(k));
    // A window without one whole hour has nothing to take from rollups: the plain scan is cheaper.
    const whole = planWindow(q.from, q.to, q.stepMs).rollups.length > 0;
    return this.rollupsReady && (dims || (whole && rollupsAnswer(q, names)));
  }

  summarize(q: SummaryQuery): Promise<SummaryRow[]> {
    if (this.fromRollups(q)) {
      const names = this.dimensions.names;
      return summarizeRollups(this, q, names, () => this.client.request({ op: "binsThrough" }) as Promise<number>);
    }
    return summarizeDuckdb(this, q);
  }

  async groupSizes(q: GroupSizeQuery): Promise<{ group: string; span_count: number }[]> {
    // Rollups hold the counts already; from spans, a bare count skips every sum.
    if (this.fromRollups({ ...q, stats: [] })) {
      return (await this.summarize({ ...q, stats: [] })).map((r) => ({
        group: r.group ?? "",
        span_count: r.span_count,
      }));
    }
    return groupSizesDuckdb(this, q);
  }

  /** The series totals the worker keeps at ingest (O(series), never decreasing); other bounds scan. */
  async exposition(q: ExpositionQuery): Promise<ExpositionRow[]> {
    if (sameList(q.latencyBucketsMs, LATENCY_LE) && sameList(q.qualityBuckets, QUALITY_LE)) {
      return (await this.client.request({ op: "series" })) as ExpositionRow[];
    }
    return exposeDuckdb(this, q);
  }

  /**
   * Builds the sketch bins of every bucket that ends by `through` now. The store does this
   * itself for each hour that is over (within a minute); a test or a tool can run it early.
   */
  async settleBins(through: number): Promise<void> {
    await this.write(() => this.client.request({ op: "settle", through }));
  }

  async foldedSpans(): Promise<Record<string, number>> {
    return (await this.client.request({ op: "folded" })) as Record<string, number>;
  }

  /**
   * Recomputes every rollup from the spans, one day per transaction; resumes an interrupted
   * rebuild. Reads use spans until it ends. `onProgress` gets each finished step.
   */
  rebuildRollups(onProgress?: (p: RebuildProgress) => void): Promise<void> {
    const run = async () => {
      this.rollupsReady = false;
      for (;;) {
        if (this.closing !== null) return;
        const p = await rebuildStep(
          (sql, params) => this.all(sql, params),
          (statements) => this.batch(statements),
          this.dimensions,
        );
        onProgress?.(p);
        if (p.next === null) break;
      }
      this.rollupsReady = true;
    };
    const previous = this.rebuilding ?? Promise.resolve();
    // One rebuild at a time: a second call runs (a whole rebuild again) after the first.
    this.rebuilding = previous.then(run);
    return this.rebuilding;
  }

  exportPage(q: ExportQuery): Promise<Span[]> {
    const run = (sql: string, params: unknown[]) => this.all(sql, params);
    return exportPageSql({ run, params: () => new Params(), filter: filterConditions, attributes: "attributes" }, q);
  }

  firstIngestedAt(from: number): Promise<number | null> {
    return firstIngestedAtSql((sql, params) => this.all(sql, params), from);
  }

  async countSpans(): Promise<number> {
    const rows = await this.all("SELECT count(*) AS n FROM spans", []);
    return rows[0].n as number;
  }

  /** Deletes old spans and their rollups in one transaction; the bucket holding `before` is recomputed. */
  async deleteBefore(before: number): Promise<number> {
    const [n] = await this.batch(retainSql(before, this.dimensions));
    return n;
  }

  async listAlertRules(): Promise<JsonObject[]> {
    const rows = await this.all("SELECT rule FROM alert_rules ORDER BY name", []);
    return rows.map((r) => JSON.parse(r.rule as string) as JsonObject);
  }

  async saveAlertRule(name: string, rule: JsonObject): Promise<void> {
    await this.run("INSERT OR REPLACE INTO alert_rules (name, rule) VALUES ($1, $2)", [name, JSON.stringify(rule)]);
  }

  async deleteAlertRule(name: string): Promise<boolean> {
    return (await this.run("DELETE FROM alert_rules WHERE name = $1", [name])) > 0;
  }

  async loadAlertStates(): Promise<Record<string, JsonObject>> {
    const rows = await this.all("SELECT name, state FROM alert_state ORDER BY name", []);
    return Object.fromEntries(rows.map((r) => [r.name as string, JSON.parse(r.state as string) as JsonObject]));
  }

  /** Committed with the other states of the same event-loop turn (alert-states.ts). */
  saveAlertState(name: string, state: JsonObject): Promise<void> {
    return this.states.save(name, state);
  }

  health(): StoreHealth {
    if (this.closing !== null) return { ok: false, reason: "store is closed" };
    const dead = this.client.deadReason;
    if (dead !== null) return { ok: false, reason: dead };
    return { ...this.state };
  }

  /**
   * Cheap liveness check for periodic health polling: a trivial query on the worker.
   * Resolves to health(); a dead worker, or one silent for `timeoutMs`, makes it not ok.
   */
  async probe(timeoutMs = 5000): Promise<StoreHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    try {
      await Promise.race([this.all("SELECT 1", []), timeout]);
      return this.health();
    } catch (e) {
      return { ok: false, reason: `store not responding: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Flushes, checkpoints and stops the worker. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.rebuilding?.catch(() => {});
      // A worker that already died has nothing left to flush: closing still succeeds.
      await this.client.request({ op: "close" }).catch(() => {});
      await this.client.terminate();
      openPaths.delete(this.path);
    })();
    return this.closing;
  }
}
