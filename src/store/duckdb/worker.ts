// The DuckDB instance of one store lives on this worker thread: the appender and
// checkpoints block their calling thread (stalls up to ~600 ms measured), so they must
// never run on the server's event loop. The main thread talks to it by messages.
import { parentPort, workerData } from "node:worker_threads";
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  SQLNULL,
  VARCHAR,
} from "@duckdb/node-api";
import { DimensionFolder } from "../rollup/dimensions.js";
import { bucketOf, HOUR_MS } from "../rollup/plan.js";
import { appendBatch, textStarts, toPlain } from "./append.js";
import { pinMemoryLimit, TrimGate, trimCache } from "./cache-trim.js";
import { appendContent, logContent, migrateContentTable } from "./content-append.js";
import { ContentLog } from "./content-log.js";
import { contentCall, indexedEnds } from "./content-read.js";
import type { ContentColumns } from "./content-schema.js";
import { CONTENT_SCHEMA_SQL } from "./content-schema.js";
import { FileSegments, MemorySegments } from "./content-segments.js";
import { NUMBER_FIELDS, type SpanBatch, type WorkerInit, type WorkerReply, type WorkerRequest } from "./protocol.js";
import {
  Compactor,
  compactSql,
  markBinsSql,
  projectOnce,
  readBinsThrough,
  readStatus,
  readySql,
  settleSql,
} from "./rollup-maintain.js";
import { projectStale } from "./rollup-project.js";
import { ROLLUP_SCHEMA_SQL } from "./rollup-schema.js";
import { appendRollups, rollupBatch } from "./rollup-write.js";
import { SCHEMA_SQL } from "./schema.js";
import { SCORES_SCHEMA_SQL } from "./scores.js";
import { writeScores } from "./scores-write.js";
import { SeriesTotals } from "./series-totals.js";
import { idHashes, keepSpans, SpanIdFilter } from "./span-ids.js";
import { loadIds, storedIds } from "./stored-ids.js";

const port = parentPort;
if (port === null) throw new Error("store worker must run in a worker thread");
const init = workerData as WorkerInit;

function reply(r: WorkerReply): void {
  port?.postMessage(r);
}

function errorReply(id: number, e: unknown): WorkerReply {
  const message = e instanceof Error ? e.message : String(e);
  const code = /Could not set lock on file/i.test(message) ? "locked" : undefined;
  return { id, ok: false, error: message, code };
}

// Integers bind as BIGINT (epoch ms, limits, counts; the driver's own default for a JS
// bigint is HUGEINT, which casts the compared column and loses zone-map pruning);
// other numbers as DOUBLE.
function typeOf(p: unknown): DuckDBType {
  if (p === null || p === undefined) return SQLNULL;
  if (typeof p === "bigint") return BIGINT;
  if (typeof p === "number") return Number.isSafeInteger(p) ? BIGINT : DOUBLE;
  if (typeof p === "boolean") return BOOLEAN;
  return VARCHAR;
}

function bind(params: unknown[]): [DuckDBValue[], DuckDBType[]] {
  const values = params.map((p) => (typeof p === "number" && Number.isSafeInteger(p) ? BigInt(p) : (p ?? null)));
  return [values as DuckDBValue[], params.map(typeOf)];
}

let instance: DuckDBInstance;
let writer: DuckDBConnection;
let log: ContentLog;
const idleReaders: DuckDBConnection[] = [];
/** Every open connection, so halt() can interrupt what each one runs. */
const connections = new Set<DuckDBConnection>();
/** Requests in progress: each may be waiting on DuckDB's own threads. */
const running = new Set<Promise<unknown>>();
let halted = false;
// Writes run one at a time on one connection; reads run concurrently on their own connections.
let writeChain: Promise<unknown> = Promise.resolve();

function serialWrite<T>(f: () => Promise<T>): Promise<T> {
  const p = writeChain.then(() => {
    if (halted) throw new Error("store is stopping");
    return f();
  });
  writeChain = p.catch(() => {});
  return p;
}

/** Reads never run beside a cache trim (cache-trim.ts). */
const gate = new TrimGate();

function readAll(sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  return gate.read(async () => {
    const conn = idleReaders.pop() ?? (await connect());
    try {
      // Without parameters the statement is not prepared first: one round less.
      const reader = await (params.length === 0 ? conn.runAndReadAll(sql) : conn.runAndReadAll(sql, ...bind(params)));
      return reader.getRowObjects().map((row) => {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(row)) out[k] = toPlain(row[k]);
        return out;
      });
    } finally {
      idleReaders.push(conn);
    }
  });
}

async function runAll(statements: { sql: string; params: unknown[] }[]): Promise<number[]> {
  await writer.run("BEGIN TRANSACTION");
  try {
    const out: number[] = [];
    for (const st of statements) {
      if (halted) throw new Error("store is stopping");
      out.push((await writer.run(st.sql, ...bind(st.params))).rowsChanged);
    }
    await writer.run("COMMIT");
    return out;
  } catch (e) {
    await writer.run("ROLLBACK").catch(() => {});
    throw e;
  }
}

const totals = new SeriesTotals();
const compactor = new Compactor();
const folder = new DimensionFolder(init.dimensions, true);
const STARTED_AT = NUMBER_FIELDS.indexOf("started_at");

// The values already named in the batch's hours, read back from the hour rollups once.
async function loadNamedValues(b: SpanBatch): Promise<void> {
  const hours = new Set<number>();
  for (let i = 0; i < b.count; i++) hours.add(bucketOf(b.numbers[STARTED_AT * b.count + i], HOUR_MS));
  for (const h of hours) {
    if (folder.knows(h)) continue;
    const named = new Map<string, Set<string>>(init.dimensions.names.map((d) => [d, new Set()]));
    for (const r of await readAll("SELECT dim, val FROM rollup_named WHERE h = $1", [h])) {
      named.get(String(r.dim))?.add(String(r.val));
    }
    folder.load(h, named);
  }
}

/** The ids of the stored spans (loaded at start): a span already stored is not stored again. */
let ids = new SpanIdFilter();

// The new spans of the batch (none already stored, none twice), their rollup rows and their
// content commit together; the counters and the id filter move only after the commit.
async function insertBatch(sent: SpanBatch, content: ContentColumns | undefined): Promise<number> {
  const sentStarts = textStarts(sent);
  sent.idHashes = idHashes(sent, sentStarts);
  const keep = await ids.newSpans(sent, sentStarts, (traceIds) => storedIds(readAll, traceIds));
  const b = keep === null ? sent : keepSpans(sent, sentStarts, keep);
  const declared = init.dimensions.names.length > 0;
  if (declared) await loadNamedValues(b);
  // Bins only for buckets that end by binsThrough; settle() bins the others from the spans.
  const rollups = rollupBatch(
    b,
    declared ? (json, t) => folder.fold(t, JSON.parse(json)) : null,
    (res, bucket) => bucket + res <= binsThrough,
  );
  let n: number;
  try {
    n = await logContent(log, content, (index) =>
      appendBatch(writer, b, async (c) => {
        await index(c);
        await appendRollups(c, rollups, folder.takeFresh());
      }),
    );
  } catch (e) {
    // Values this batch named were not committed: forget its hours, read them back next time.
    if (declared) folder.forget();
    throw e;
  }
  if (b.idHashes !== undefined) ids.addHashes(b.idHashes);
  totals.add(rollups);
  for (const d of compactor.note(rollups)) {
    // Queued behind this insert; a failed compaction leaves valid (just unmerged) rows.
    serialWrite(() => runAll(compactSql(d.res, d.bucket))).catch(() => {});
  }
  return n;
}

/** Bins are kept at ingest for buckets that end by this time (rollup-maintain.ts settleSql). */
let binsThrough = 0;
let settleTimer: NodeJS.Timeout | undefined;
let trimTimer: NodeJS.Timeout | undefined;
/**
 * Builds the bins of the hours (and days) that end by `through` (down to an hour boundary)
 * from the spans, and brings rollup_bins_by up to date for buckets that late spans changed.
 */
async function settle(at: number): Promise<void> {
  const through = bucketOf(at, HOUR_MS);
  if (through > binsThrough) {
    await runAll(settleSql(binsThrough, through, init.dimensions));
    binsThrough = through;
  }
  await projectStale(readAll, runAll, init.dimensions);
}

/** Settles every hour that is over; run at start and then every minute, behind the writes. */
function settleOver(): Promise<void> {
  return serialWrite(() => settle(bucketOf(Date.now(), HOUR_MS)));
}

async function close(): Promise<void> {
  clearInterval(settleTimer);
  clearInterval(trimTimer);
  await writeChain;
  // halted: exit now; the WAL is replayed at the next start
  if (!halted) await writer.run("CHECKPOINT").catch(() => {});
  for (const c of connections) c.closeSync();
  connections.clear();
  instance.closeSync();
  log.segments.close();
}

async function connect(): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  connections.add(conn);
  return conn;
}

/**
 * Called when the process is about to exit without a clean close (a second signal). A DuckDB
 * call still running while Node tears this thread down finishes into a dead JS environment
 * and aborts the whole process (Napi::Error, exit 134); so running queries are interrupted,
 * new ones refused, and the reply waits until none is left.
 */
async function halt(): Promise<void> {
  halted = true;
  clearInterval(settleTimer);
  clearInterval(trimTimer);
  for (const c of connections) {
    try {
      c.interrupt();
    } catch {
      // already closed
    }
  }
  while (running.size > 0) await Promise.allSettled([...running]);
}

async function handle(m: WorkerRequest): Promise<unknown> {
  if (halted) throw new Error("store is stopping");
  switch (m.op) {
    case "insert":
      return serialWrite(() => insertBatch(m.batch, m.content));
    case "run":
      // Retention and rebuild steps rewrite rollups: named values are read back afresh.
      return serialWrite(() => runAll(m.statements).finally(() => folder.forget()));
    case "runApart":
      return serialWrite(() => runAll(m.statements));
    case "upsertScores":
      return serialWrite(() => writeScores(writer, m.scores));
    case "all":
      return readAll(m.sql, m.params);
    case "series":
      return totals.rows();
    case "binsThrough":
      return binsThrough;
    case "settle":
      return serialWrite(() => settle(m.through));
    case "folded":
      return Object.fromEntries(totals.folded);
    case "close":
      return close();
    case "halt":
      return halt();
    case "appendContent":
      return serialWrite(() => appendContent(writer, log, m.columns));
    case "content":
      return contentCall({ readAll, log, serialWrite, runAll }, m.call);
  }
}

async function start(): Promise<void> {
  // DuckDB checkpoints when the WAL reaches 16 MB by default: every ~50k spans (the WAL
  // takes ~340 bytes a span), each one stalling commits. 128 MB (~375k spans, ~1 s to
  // replay after a crash) made the insert path ~1.4x cheaper in CPU. 256 MB saved another
  // 1-4% but held twice the rows in memory (~340 MiB) until the checkpoint.
  instance = await DuckDBInstance.create(init.path, { checkpoint_threshold: "128MB" });
  writer = await connect();
  await writer.run(SCHEMA_SQL);
  await writer.run(ROLLUP_SCHEMA_SQL);
  await writer.run(CONTENT_SCHEMA_SQL);
  await writer.run(SCORES_SCHEMA_SQL);
  // The content log sits beside the file it indexes (content-log.ts).
  log = new ContentLog(init.path === ":memory:" ? new MemorySegments() : new FileSegments(`${init.path}.content`));
  await migrateContentTable(writer, log, readAll);
  log.recover(await indexedEnds(readAll));
  ids = await loadIds(writer, readAll, runAll);
  let { ready, rebuildNext } = await readStatus(readAll, init.dimensions);
  if (!ready && rebuildNext === null) {
    // A new file has nothing to roll up: its rollups are current from the first insert on.
    const [c] = await readAll("SELECT count(*) AS n FROM spans", []);
    if (c.n === 0) {
      await runAll(readySql(init.dimensions));
      ready = true;
    }
  }
  await projectOnce(readAll, runAll, init.dimensions);
  await totals.load(readAll, ready, init.dimensions);
  // A file without the mark (new, or from before it) had every span binned at ingest.
  binsThrough = (await readBinsThrough(readAll)) ?? bucketOf(Date.now(), HOUR_MS);
  await runAll([markBinsSql(binsThrough)]);
  await settleOver();
  settleTimer = setInterval(() => settleOver().catch(() => {}), 60_000).unref();
  if (init.path !== ":memory:") {
    // an in-memory file's blocks are its data: evicting them would only move them to disk
    // An optimisation only: a DuckDB that shows its limit in a form not understood is left alone.
    const limit = await pinMemoryLimit(writer).catch(() => null);
    if (limit !== null) {
      const trim = () => serialWrite(() => gate.trim(() => trimCache(writer, limit)));
      trimTimer = setInterval(() => trim().catch(() => {}), 5_000).unref();
    }
  }
}

start().then(
  () => {
    reply({ id: 0, ok: true, result: null });
    port.on("message", (m: WorkerRequest) => {
      const work = m.op === "halt" ? halt() : handle(m);
      if (m.op !== "halt") {
        running.add(work);
        void work.finally(() => running.delete(work)).catch(() => {});
      }
      work.then(
        (result) => reply({ id: m.id, ok: true, result }),
        (e: unknown) => reply(errorReply(m.id, e)),
      );
    });
  },
  (e: unknown) => reply(errorReply(0, e)),
);
