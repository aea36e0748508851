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
import { RollupBuilder, type RollupEntry, type RollupSums } from "../rollup/builder.js";
import { ROLLUP_FIELDS, type RollupKey } from "../rollup/fields.js";
import { closeQuietly, textStarts } from "./append.js";
import { copyColumn, float64Column, int64Column, textColumn } from "./columns.js";
import { NUMBER_FIELDS, type SpanBatch, TEXT_FIELDS, TEXTS_PER_SPAN } from "./protocol.js";
import { staleSql } from "./rollup-project.js";

const CHUNK_ROWS = 2048;
const text = (f: (typeof TEXT_FIELDS)[number]) => TEXT_FIELDS.indexOf(f);
const num = (f: (typeof NUMBER_FIELDS)[number]) => NUMBER_FIELDS.indexOf(f);
const ATTRIBUTES = TEXT_FIELDS.length;
const [MODEL, PROVIDER, CALLER, STATUS] = [text("model"), text("provider"), text("caller"), text("status")];
// Indexes of the number fields a rollup reads, found once rather than per span.
const N = {
  started_at: num("started_at"),
  cost_usd: num("cost_usd"),
  prompt_tokens: num("prompt_tokens"),
  comp_tokens: num("comp_tokens"),
  total_tokens: num("total_tokens"),
  cached_tokens: num("cached_tokens"),
  reasoning_tokens: num("reasoning_tokens"),
  latency_ms: num("latency_ms"),
  ttft_ms: num("ttft_ms"),
  eval_score: num("eval_score"),
};

// Readers of a batch's fields. Hot per-row code here uses module functions and loops, not
// closures made per batch: V8 compiled each such closure again for every batch.
function str(b: SpanBatch, starts: Int32Array, i: number, f: number): string | null {
  const k = i * TEXTS_PER_SPAN + f;
  return b.lengths[k] < 0 ? null : b.text.substring(starts[k], starts[k] + b.lengths[k]);
}

function val(b: SpanBatch, i: number, f: number): number | null {
  return b.nulls[f * b.count + i] === 1 ? null : b.numbers[f * b.count + i];
}

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
  const { numbers, count } = b;
  for (let i = 0; i < count; i++) {
    const model = str(b, starts, i, MODEL);
    if (model === null) continue;
    const started = numbers[N.started_at * count + i];
    builder.add({
      model,
      provider: str(b, starts, i, PROVIDER),
      caller: str(b, starts, i, CALLER),
      status: str(b, starts, i, STATUS) as SpanStatus,
      dims: dimsOf === null ? "{}" : dimsOf(str(b, starts, i, ATTRIBUTES) ?? "{}", started),
      started_at: started,
      cost_usd: val(b, i, N.cost_usd),
      prompt_tokens: numbers[N.prompt_tokens * count + i],
      comp_tokens: numbers[N.comp_tokens * count + i],
      total_tokens: numbers[N.total_tokens * count + i],
      cached_tokens: val(b, i, N.cached_tokens),
      reasoning_tokens: val(b, i, N.reasoning_tokens),
      latency_ms: numbers[N.latency_ms * count + i],
      ttft_ms: val(b, i, N.ttft_ms),
      eval_score: val(b, i, N.eval_score),
    });
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

/** Fills the 7 key columns of the chunk's rows: row r's key is keys[r]. */
function fillKeys(chunk: DuckDBDataChunk, keys: readonly RollupKey[]): void {
  const n = keys.length;
  const res = new Float64Array(n);
  const bucket = new Float64Array(n);
  const texts: (string | null)[][] = [[], [], [], [], []];
  for (let r = 0; r < n; r++) {
    const k = keys[r];
    res[r] = k.res;
    bucket[r] = k.bucket;
    texts[0].push(k.model);
    texts[1].push(k.provider);
    texts[2].push(k.caller);
    texts[3].push(k.status);
    texts[4].push(k.dims);
  }
  int64Column(chunk, 0, res);
  int64Column(chunk, 1, bucket);
  for (let t = 0; t < texts.length; t++) textColumn(chunk, 2 + t, texts[t]);
}

/** Where each integer or float ROLLUP_FIELDS figure is in a row's sums: a key, or an index into lb or qb. */
const FIGURES = ROLLUP_FIELDS.map((f) => {
  const bound = /^([lq]b)(\d+)$/.exec(f.name);
  if (bound !== null) return { list: bound[1] as "lb" | "qb", index: Number(bound[2]), key: null };
  return { list: null, index: 0, key: f.name as Exclude<keyof RollupSums, "lb" | "qb" | "cost_pico"> };
});

function figure(s: RollupSums, i: number): number {
  const f = FIGURES[i];
  return f.list === null ? s[f.key] : s[f.list][f.index];
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
  const keys: RollupKey[] = [];
  for (let r = 0; r < n; r++) keys.push(entries[from + r].key);
  fillKeys(chunk, keys);
  for (let i = 0; i < ROLLUP_FIELDS.length; i++) {
    const col = KEY_TYPES.length + i;
    if (ROLLUP_FIELDS[i].type === "cost") {
      const v = chunk.getColumnVector(col);
      for (let r = 0; r < n; r++) v.setItem(r, new DuckDBDecimalValue(entries[from + r].sums.cost_pico, 38, 12));
      v.flush();
      continue;
    }
    const data = new Float64Array(n);
    for (let r = 0; r < n; r++) data[r] = figure(entries[from + r].sums, i);
    if (ROLLUP_FIELDS[i].type === "int") int64Column(chunk, col, data);
    else float64Column(chunk, col, data);
  }
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
  for (let i = 0; i < entries.length; i++) {
    const bins = entries[i].bins;
    for (let c = 0; c < bins.length; c++) {
      for (const [bin, b] of bins[c]) {
        out.entry[k] = i;
        out.col[k] = c;
        out.bin[k] = bin;
        out.n[k] = b.n;
        out.lo[k] = b.lo;
        out.hi[k] = b.hi;
        k++;
      }
    }
  }
  return out;
}

function fillBinRows(chunk: DuckDBDataChunk, entries: RollupEntry[], b: BinRows, from: number, n: number): void {
  const keys: RollupKey[] = [];
  for (let r = 0; r < n; r++) keys.push(entries[b.entry[from + r]].key);
  fillKeys(chunk, keys);
  copyColumn(chunk, 7, b.col.subarray(from, from + n));
  copyColumn(chunk, 8, b.bin.subarray(from, from + n));
  int64Column(chunk, 9, b.n.subarray(from, from + n));
  float64Column(chunk, 10, b.lo.subarray(from, from + n));
  float64Column(chunk, 11, b.hi.subarray(from, from + n));
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
    const rows = named.slice(from, from + n);
    int64Column(
      c,
      0,
      Float64Array.from(rows, (r) => r[0]),
    );
    textColumn(
      c,
      1,
      rows.map((r) => r[1]),
    );
    textColumn(
      c,
      2,
      rows.map((r) => r[2]),
    );
  });
}
