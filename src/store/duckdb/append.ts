// Runs inside the store worker (and the bench loader): DuckDB's appender is the fast
// bulk path but blocks the calling thread, so it never runs on the server's event loop.
import {
  BIGINT,
  DECIMAL,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from "@duckdb/node-api";
import { FIRST_FIELDS, LATER_FIELDS, type SpanField } from "../../schema/span.js";
import type { Span } from "../../span/types.js";
import { COST_SCALE, COST_WIDTH, toPico } from "../../stats/cost.js";
import { copyColumn, float64Column, int64Column, slicesColumn, type TextSlices } from "./columns.js";
import { encodeSpans, NUMBER_FIELDS, type SpanBatch, TEXT_FIELDS, TEXTS_PER_SPAN } from "./protocol.js";
import { idHashes } from "./span-ids.js";

type Appender = Awaited<ReturnType<DuckDBConnection["createAppender"]>>;

// DuckDB's vector size: a data chunk holds at most this many rows.
const CHUNK_ROWS = 2048;
const COST_LIMIT = 10n ** BigInt(COST_WIDTH);

// The appender stores an out-of-range DECIMAL silently as garbage: refuse it instead.
function costValue(cost: number): DuckDBDecimalValue {
  const v = toPico(cost);
  if (v >= COST_LIMIT || v <= -COST_LIMIT) throw new Error(`cost_usd ${cost} does not fit DECIMAL(18, 12)`);
  return new DuckDBDecimalValue(v, COST_WIDTH, COST_SCALE);
}

type Column =
  | { kind: "text"; index: number }
  | { kind: "int" | "double" | "cost"; index: number }
  | { kind: "bloom"; index: 0 }
  | { kind: "ingested"; index: 0 }
  | { kind: "idHash"; index: 0 };

function fieldColumn({ name, kind }: SpanField): Column {
  if (kind === "attributes") return { kind: "text", index: TEXT_FIELDS.length };
  const t = (TEXT_FIELDS as readonly string[]).indexOf(name);
  if (t >= 0) return { kind: "text", index: t };
  const index = (NUMBER_FIELDS as readonly string[]).indexOf(name);
  if (index < 0) throw new Error(`no batch field for column ${name}`);
  if (kind === "decimal") return { kind: "cost", index };
  return { kind: kind === "double" ? "double" : "int", index };
}

// Where each table column comes from in a SpanBatch, in the table's order (schema.ts): the
// first fields, attr_bloom, ingested_at, id_hash, then the fields added later.
const COLUMNS: Column[] = [
  ...FIRST_FIELDS.map(fieldColumn),
  { kind: "bloom", index: 0 },
  { kind: "ingested", index: 0 },
  { kind: "idHash", index: 0 },
  ...LATER_FIELDS.map(fieldColumn),
];

const TYPES: DuckDBType[] = COLUMNS.map((c) =>
  c.kind === "text"
    ? VARCHAR
    : c.kind === "double"
      ? DOUBLE
      : c.kind === "cost"
        ? DECIMAL(COST_WIDTH, COST_SCALE)
        : BIGINT,
);

// Start of every string of the batch in its text: the columns are filled one at a time.
export function textStarts(b: SpanBatch): Int32Array {
  const starts = new Int32Array(b.lengths.length);
  let at = 0;
  for (let i = 0; i < b.lengths.length; i++) {
    starts[i] = at;
    if (b.lengths[i] > 0) at += b.lengths[i];
  }
  return starts;
}

/** The batch text as UTF-8 and where each string lies in it (bytes), for slicesColumn. */
function textBytes(b: SpanBatch, charStarts: Int32Array): TextSlices {
  const utf8 = Buffer.from(b.text, "utf8");
  // A plain view, not the Buffer: its subarrays (one per string) are much cheaper to make.
  const bytes = new Uint8Array(utf8.buffer, utf8.byteOffset, utf8.length);
  const ends = new Int32Array(b.lengths.length);
  if (bytes.length === b.text.length) {
    // ASCII (ids, models, JSON of plain keys): byte offsets are the character offsets
    for (let k = 0; k < ends.length; k++) ends[k] = charStarts[k] + Math.max(0, b.lengths[k]);
    return { bytes, starts: charStarts, ends, lengths: b.lengths };
  }
  const starts = new Int32Array(b.lengths.length);
  let at = 0;
  for (let k = 0; k < ends.length; k++) {
    starts[k] = at;
    if (b.lengths[k] > 0) at += Buffer.byteLength(b.text.substring(charStarts[k], charStarts[k] + b.lengths[k]));
    ends[k] = at;
  }
  return { bytes, starts, ends, lengths: b.lengths };
}

/** Fills one column of a chunk holding spans [from, from + rows): one loop per kind. */
function fillColumn(
  chunk: DuckDBDataChunk,
  col: number,
  c: Column,
  b: SpanBatch,
  text: TextSlices,
  ids: Int32Array,
  from: number,
  rows: number,
  now: number,
): void {
  if (c.kind === "ingested") int64Column(chunk, col, new Float64Array(rows).fill(now));
  else if (c.kind === "text") slicesColumn(chunk, col, rows, text, from * TEXTS_PER_SPAN + c.index, TEXTS_PER_SPAN);
  else if (c.kind === "bloom") copyColumn(chunk, col, b.blooms.subarray(from, from + rows));
  else if (c.kind === "idHash") copyColumn(chunk, col, ids.subarray(2 * from, 2 * (from + rows)));
  else {
    const base = c.index * b.count + from;
    const values = b.numbers.subarray(base, base + rows);
    const nulls = b.nulls.subarray(base, base + rows);
    if (c.kind === "double") float64Column(chunk, col, values, nulls);
    else if (c.kind === "int") int64Column(chunk, col, values, nulls);
    else {
      const v = chunk.getColumnVector(col);
      for (let r = 0; r < rows; r++) v.setItem(r, nulls[r] === 1 ? null : costValue(values[r]));
      v.flush();
    }
  }
}

function appendSpanRows(a: Appender, b: SpanBatch): void {
  const starts = textStarts(b);
  const text = textBytes(b, starts);
  const ids = b.idHashes ?? idHashes(b, starts);
  const now = Date.now();
  for (let from = 0; from < b.count; from += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, b.count - from);
    const chunk = DuckDBDataChunk.create(TYPES, rows);
    for (let c = 0; c < COLUMNS.length; c++) fillColumn(chunk, c, COLUMNS[c], b, text, ids, from, rows, now);
    a.appendDataChunk(chunk);
  }
}

const ATTR_TYPES: DuckDBType[] = [INTEGER, BIGINT];

// span_attrs rows: (hash, the span's started_at) for each attribute pair.
function appendAttrRows(a: Appender, b: SpanBatch): void {
  const started = NUMBER_FIELDS.indexOf("started_at") * b.count;
  // The span of each hash, in order.
  const spanOf = new Int32Array(b.hashes.length);
  for (let span = 0, k = 0; span < b.count; span++) for (let j = 0; j < b.hashCounts[span]; j++) spanOf[k++] = span;
  for (let from = 0; from < b.hashes.length; from += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, b.hashes.length - from);
    const chunk = DuckDBDataChunk.create(ATTR_TYPES, rows);
    copyColumn(chunk, 0, b.hashes.subarray(from, from + rows));
    const startedAt = new Float64Array(rows);
    for (let r = 0; r < rows; r++) startedAt[r] = b.numbers[started + spanOf[from + r]];
    int64Column(chunk, 1, startedAt);
    a.appendDataChunk(chunk);
  }
}

/** Closes an appender after a failure; the error that matters is already thrown. */
export function closeQuietly(a: Appender): void {
  try {
    a.closeSync();
  } catch {
    // the transaction is rolled back by the caller
  }
}

/**
 * Appends a batch of spans (and their span_attrs rows) inside one transaction: all rows
 * are committed together or none is (the appender alone would commit each flushed chunk).
 * Whole data chunks, not row by row: one native call per column per 2048 rows.
 */
export async function appendBatch(
  conn: DuckDBConnection,
  b: SpanBatch,
  alsoInTransaction?: (conn: DuckDBConnection) => Promise<void>,
): Promise<number> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const a = await conn.createAppender("spans");
    const h = await conn.createAppender("span_attrs").catch((e: unknown) => {
      closeQuietly(a);
      throw e;
    });
    try {
      appendSpanRows(a, b);
      appendAttrRows(h, b);
      a.flushSync();
      h.flushSync();
    } finally {
      // After a failed append, close re-raises it: the error that matters is already thrown.
      closeQuietly(a);
      closeQuietly(h);
    }
    // What must commit with the spans: their rollups.
    await alsoInTransaction?.(conn);
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
  return b.count;
}

/** appendBatch for span objects on the calling thread (bench loader). */
export function appendSpans(conn: DuckDBConnection, spans: readonly Span[]): Promise<number> {
  return appendBatch(conn, encodeSpans(spans).batch);
}

/** Plain JS value of a DuckDB result value: BIGINT/HUGEINT/DECIMAL → number, NULL → null. */
export function toPlain(v: DuckDBValue): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof DuckDBDecimalValue) return Number(v.toString());
  if (typeof v === "object" && "items" in v && Array.isArray(v.items))
    return v.items.map((x: DuckDBValue) => toPlain(x));
  return String(v);
}
