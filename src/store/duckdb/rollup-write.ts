// Runs inside the store worker: the rollup rows of a batch, appended in the batch's transaction.
import {
  BIGINT,
  DECIMAL,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  type DuckDBType,
  INTEGER,
  TINYINT,
  VARCHAR,
} from "@duckdb/node-api";
import type { SpanStatus } from "../../span/types.js";
import { RollupBuilder, type RollupEntry, type RollupSpan, type RollupSums } from "../rollup/builder.js";
import { ROLLUP_FIELDS, type RollupKey } from "../rollup/fields.js";
import { closeQuietly, textStarts } from "./append.js";
import { float64Column, int64Column, smallIntColumn, textColumn } from "./columns.js";
import { NUMBER_FIELDS, type SpanBatch, TEXT_FIELDS, TEXTS_PER_SPAN } from "./protocol.js";
import { staleSql } from "./rollup-project.js";

const CHUNK_ROWS = 2048;
const text = (f: (typeof TEXT_FIELDS)[number]) => TEXT_FIELDS.indexOf(f);
const num = (f: (typeof NUMBER_FIELDS)[number]) => NUMBER_FIELDS.indexOf(f);
const ATTRIBUTES = TEXT_FIELDS.length;

/** Folds a span's attributes into its rollup dimensions (JSON text); "{}" without declared dimensions. */
export type DimsOf = (attributesJson: string, startedAt: number) => string;

/** The LLM spans of a batch, as the rollup definition reads them; `binned` as RollupBuilder's. */
export function rollupBatch(
  b: SpanBatch,
  dimsOf: DimsOf | null,
  binned?: (res: number, bucket: number) => boolean,
): RollupBuilder {
  const builder = new RollupBuilder(binned);
  const starts = textStarts(b);
  const { lengths, numbers, nulls, count } = b;
  const str = (i: number, f: number): string | null => {
    const k = i * TEXTS_PER_SPAN + f;
    return lengths[k] < 0 ? null : b.text.substring(starts[k], starts[k] + lengths[k]);
  };
  const val = (i: number, f: number): number | null => (nulls[f * count + i] === 1 ? null : numbers[f * count + i]);
  for (let i = 0; i < count; i++) {
    const model = str(i, text("model"));
    if (model === null) continue;
    const started = numbers[num("started_at") * count + i];
    const s: RollupSpan = {
      model,
      provider: str(i, text("provider")),
      caller: str(i, text("caller")),
      status: str(i, text("status")) as SpanStatus,
      dims: dimsOf === null ? "{}" : dimsOf(str(i, ATTRIBUTES) ?? "{}", started),
      started_at: started,
      cost_usd: val(i, num("cost_usd")),
      prompt_tokens: numbers[num("prompt_tokens") * count + i],
      comp_tokens: numbers[num("comp_tokens") * count + i],
      total_tokens: numbers[num("total_tokens") * count + i],
      cached_tokens: val(i, num("cached_tokens")),
      reasoning_tokens: val(i, num("reasoning_tokens")),
      latency_ms: numbers[num("latency_ms") * count + i],
      ttft_ms: val(i, num("ttft_ms")),
      eval_score: val(i, num("eval_score")),
    };
    builder.add(s);
  }
  return builder;
}

const KEY_TYPES: DuckDBType[] = [BIGINT, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR];
const COST = DECIMAL(38, 12);
const FIELD_TYPES: DuckDBType[] = ROLLUP_FIELDS.map((f) =>
  f.type === "int" ? BIGINT : f.type === "float" ? DOUBLE : COST,
);
const ROLLUP_TYPES = [...KEY_TYPES, ...FIELD_TYPES];
const BIN_TYPES: DuckDBType[] = [...KEY_TYPES, TINYINT, INTEGER, BIGINT, DOUBLE, DOUBLE];
const NAMED_TYPES: DuckDBType[] = [BIGINT, VARCHAR, VARCHAR];

/** Fills the 7 key columns of rows [from, from + rows) whose key is keyOf(row). */
function fillKeys(chunk: DuckDBDataChunk, rows: number, keyOf: (r: number) => RollupKey): void {
  int64Column(chunk, 0, rows, (r) => keyOf(r).res);
  int64Column(chunk, 1, rows, (r) => keyOf(r).bucket);
  textColumn(chunk, 2, rows, (r) => keyOf(r).model);
  textColumn(chunk, 3, rows, (r) => keyOf(r).provider);
  textColumn(chunk, 4, rows, (r) => keyOf(r).caller);
  textColumn(chunk, 5, rows, (r) => keyOf(r).status);
  textColumn(chunk, 6, rows, (r) => keyOf(r).dims);
}

/** The value of one integer or float ROLLUP_FIELDS figure in a row's sums. */
function figure(s: RollupSums, name: string): number {
  if (name.startsWith("lb")) return s.lb[Number(name.slice(2))];
  if (name.startsWith("qb")) return s.qb[Number(name.slice(2))];
  return s[name as Exclude<keyof RollupSums, "lb" | "qb" | "cost_pico">];
}

/** Appends `rows` rows through one appender, a data chunk of up to CHUNK_ROWS at a time. */
async function appendChunks(
  conn: DuckDBConnection,
  table: string,
  types: DuckDBType[],
  rows: number,
  fill: (chunk: DuckDBDataChunk, from: number, n: number) => void,
): Promise<void> {
  if (rows === 0) return;
  const a = await conn.createAppender(table);
  try {
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - from);
      const chunk = DuckDBDataChunk.create(types, n);
      fill(chunk, from, n);
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    closeQuietly(a);
  }
}

function fillRollupRows(chunk: DuckDBDataChunk, entries: RollupEntry[], from: number, n: number): void {
  fillKeys(chunk, n, (r) => entries[from + r].key);
  ROLLUP_FIELDS.forEach((f, i) => {
    const col = KEY_TYPES.length + i;
    const sums = (r: number) => entries[from + r].sums;
    if (f.type === "int") int64Column(chunk, col, n, (r) => figure(sums(r), f.name));
    else if (f.type === "float") float64Column(chunk, col, n, (r) => figure(sums(r), f.name));
    else {
      const v = chunk.getColumnVector(col);
      for (let r = 0; r < n; r++) v.setItem(r, new DuckDBDecimalValue(sums(r).cost_pico, 38, 12));
      v.flush();
    }
  });
}

/** The bin rows of a batch, column by column: entry index, sketch column, bin, count, min, max. */
interface BinRows {
  count: number;
  entry: Int32Array;
  col: Int8Array;
  bin: Int32Array;
  n: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

function binRows(entries: RollupEntry[]): BinRows {
  let count = 0;
  for (const e of entries) for (const col of e.bins) count += col.size;
  const out: BinRows = {
    count,
    entry: new Int32Array(count),
    col: new Int8Array(count),
    bin: new Int32Array(count),
    n: new Float64Array(count),
    lo: new Float64Array(count),
    hi: new Float64Array(count),
  };
  let k = 0;
  entries.forEach((e, i) => {
    e.bins.forEach((col, c) => {
      for (const [bin, b] of col) {
        out.entry[k] = i;
        out.col[k] = c;
        out.bin[k] = bin;
        out.n[k] = b.n;
        out.lo[k] = b.lo;
        out.hi[k] = b.hi;
        k++;
      }
    });
  });
  return out;
}

function fillBinRows(chunk: DuckDBDataChunk, entries: RollupEntry[], b: BinRows, from: number, n: number): void {
  fillKeys(chunk, n, (r) => entries[b.entry[from + r]].key);
  smallIntColumn(chunk, 7, n, 1, (r) => b.col[from + r]);
  smallIntColumn(chunk, 8, n, 4, (r) => b.bin[from + r]);
  int64Column(chunk, 9, n, (r) => b.n[from + r]);
  float64Column(chunk, 10, n, (r) => b.lo[from + r]);
  float64Column(chunk, 11, n, (r) => b.hi[from + r]);
}

/**
 * Appends the builder's rows to rollup and rollup_bins, marks the buckets that got bins as
 * stale for rollup_bins_by (rollup-project.ts), and appends the dimension values the batch
 * named to rollup_named (inside the caller's transaction).
 */
export async function appendRollups(
  conn: DuckDBConnection,
  builder: RollupBuilder,
  named: [number, string, string][] = [],
): Promise<void> {
  const entries = [...builder.entries()];
  const bins = binRows(entries);
  await appendChunks(conn, "rollup", ROLLUP_TYPES, entries.length, (c, from, n) => fillRollupRows(c, entries, from, n));
  await appendChunks(conn, "rollup_bins", BIN_TYPES, bins.count, (c, from, n) =>
    fillBinRows(c, entries, bins, from, n),
  );
  const stale = new Map<string, { res: number; bucket: number }>();
  for (const { key, bins: b } of entries) {
    if (b[0].size + b[1].size + b[2].size > 0) stale.set(`${key.res}:${key.bucket}`, key);
  }
  for (const st of staleSql([...stale.values()])) await conn.run(st.sql, st.params as number[]);
  await appendChunks(conn, "rollup_named", NAMED_TYPES, named.length, (c, from, n) => {
    int64Column(c, 0, n, (r) => named[from + r][0]);
    textColumn(c, 1, n, (r) => named[from + r][1]);
    textColumn(c, 2, n, (r) => named[from + r][2]);
  });
}
