// Runs inside the store worker: the rollup rows of a batch, appended in the batch's transaction.
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
  TINYINT,
  VARCHAR,
} from "@duckdb/node-api";
import type { SpanStatus } from "../../span/types.js";
import { RollupBuilder, type RollupEntry, type RollupSpan } from "../rollup/builder.js";
import { ROLLUP_FIELDS } from "../rollup/fields.js";
import { textStarts } from "./append.js";
import { NUMBER_FIELDS, type SpanBatch, TEXT_FIELDS, TEXTS_PER_SPAN } from "./protocol.js";

const CHUNK_ROWS = 2048;
const text = (f: (typeof TEXT_FIELDS)[number]) => TEXT_FIELDS.indexOf(f);
const num = (f: (typeof NUMBER_FIELDS)[number]) => NUMBER_FIELDS.indexOf(f);
const ATTRIBUTES = TEXT_FIELDS.length;

/** Folds a span's attributes into its rollup dimensions (JSON text); "{}" without declared dimensions. */
export type DimsOf = (attributesJson: string, startedAt: number) => string;

/** The LLM spans of a batch, as the rollup definition reads them. */
export function rollupBatch(b: SpanBatch, dimsOf: DimsOf | null): RollupBuilder {
  const builder = new RollupBuilder();
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
const BIN_TYPES: DuckDBType[] = [...KEY_TYPES, TINYINT, INTEGER, BIGINT, DOUBLE, DOUBLE];

function keyValues(e: RollupEntry): DuckDBValue[] {
  const k = e.key;
  return [BigInt(k.res), BigInt(k.bucket), k.model, k.provider, k.caller, k.status, k.dims];
}

function fieldValues(e: RollupEntry): DuckDBValue[] {
  const s = e.sums;
  const byName: Record<string, DuckDBValue> = {
    span_count: BigInt(s.span_count),
    error_count: BigInt(s.error_count),
    timeout_count: BigInt(s.timeout_count),
    unpriced_count: BigInt(s.unpriced_count),
    prompt_tokens: BigInt(s.prompt_tokens),
    comp_tokens: BigInt(s.comp_tokens),
    total_tokens: BigInt(s.total_tokens),
    cached_tokens: BigInt(s.cached_tokens),
    reasoning_tokens: BigInt(s.reasoning_tokens),
    scored_count: BigInt(s.scored_count),
    cost_usd: new DuckDBDecimalValue(s.cost_pico, 38, 12),
    latency_sum: s.latency_sum,
    latency_max: s.latency_max,
    quality_sum: s.quality_sum,
  };
  for (const [i, n] of s.lb.entries()) byName[`lb${i}`] = BigInt(n);
  for (const [i, n] of s.qb.entries()) byName[`qb${i}`] = BigInt(n);
  return ROLLUP_FIELDS.map((f) => byName[f.name]);
}

/** Appends rows (arrays of values in table order) through one appender, a data chunk at a time. */
async function appendRows(conn: DuckDBConnection, table: string, types: DuckDBType[], rows: DuckDBValue[][]) {
  if (rows.length === 0) return;
  const a = await conn.createAppender(table);
  try {
    for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows.length - from);
      const chunk = DuckDBDataChunk.create(types, n);
      for (let c = 0; c < types.length; c++) {
        const v = chunk.getColumnVector(c);
        for (let r = 0; r < n; r++) v.setItem(r, rows[from + r][c]);
        v.flush();
      }
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    try {
      a.closeSync();
    } catch {
      // the caller's transaction is rolled back
    }
  }
}

const NAMED_TYPES: DuckDBType[] = [BIGINT, VARCHAR, VARCHAR];

/**
 * Appends the builder's rows to rollup and rollup_bins, and the dimension values the batch
 * named to rollup_named (inside the caller's transaction).
 */
export async function appendRollups(
  conn: DuckDBConnection,
  builder: RollupBuilder,
  named: [number, string, string][] = [],
): Promise<number> {
  const rows: DuckDBValue[][] = [];
  const bins: DuckDBValue[][] = [];
  for (const e of builder.entries()) {
    const key = keyValues(e);
    rows.push([...key, ...fieldValues(e)]);
    e.bins.forEach((col, c) => {
      for (const [bin, b] of col) bins.push([...key, c, bin, BigInt(b.n), b.lo, b.hi]);
    });
  }
  await appendRows(conn, "rollup", [...KEY_TYPES, ...FIELD_TYPES], rows);
  await appendRows(conn, "rollup_bins", BIN_TYPES, bins);
  await appendRows(
    conn,
    "rollup_named",
    NAMED_TYPES,
    named.map(([h, d, v]) => [BigInt(h), d, v]),
  );
  return bins.length;
}
