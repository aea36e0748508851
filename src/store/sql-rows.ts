import { SPAN_SCHEMA } from "../schema/span.js";
import { SPAN_FIELDS, type Span } from "../span/types.js";
import { OTHER } from "./rollup/dimensions.js";
import type { ExpositionQuery, ExpositionRow, SummaryRow } from "./store.js";

// Row mapping shared by the SQL drivers (duckdb and postgres store the same columns).

/**
 * A group expression with GroupBy.keep applied: groups outside `keep` become "(other)".
 * `add` binds a parameter and returns its placeholder.
 */
export function keptGroupSql(expr: string, keep: readonly string[] | undefined, add: (v: string) => string): string {
  if (keep === undefined) return expr;
  const other = `${add(OTHER)}::TEXT`;
  // with nothing kept the expression stays in the SQL all the same: its parameters are bound
  const kept = keep.length === 0 ? "false" : `${expr} IN (${keep.map((k) => `${add(k)}::TEXT`).join(", ")})`;
  return `CASE WHEN ${kept} THEN ${expr} ELSE ${other} END`;
}

type Row = Record<string, unknown>;

/**
 * Column list for SELECTs that feed rowToSpan; `attributes` is the expression that yields
 * the attributes as JSON text.
 *
 * @example spanSelect("attributes::text AS attributes")
 */
export function spanSelect(attributes = "attributes"): string {
  return SPAN_FIELDS.map((c) => (c === "attributes" ? attributes : c)).join(", ");
}

/** A stored row (plain JS values, attributes as JSON text) back into a Span. */
export function rowToSpan(r: Row): Span {
  const s: Row = {};
  for (const { name, kind } of SPAN_SCHEMA) {
    const v = r[name];
    s[name] = kind === "attributes" ? JSON.parse(v as string) : (v ?? null);
  }
  return s as Span;
}

/** Span rows (ordered by started_at) grouped into traces, keyed by trace id. */
export function groupByTrace(rows: Row[]): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  for (const r of rows) {
    const s = rowToSpan(r);
    const t = out.get(s.trace_id);
    if (t === undefined) out.set(s.trace_id, [s]);
    else t.push(s);
  }
  return out;
}

/** Number from a SQL value that may arrive as number, bigint or decimal text (null counts as 0). */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint" || typeof v === "string") return Number(v);
  return 0;
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

type Counts = Pick<
  SummaryRow,
  | "unpriced_count"
  | "prompt_tokens"
  | "comp_tokens"
  | "total_tokens"
  | "cached_tokens"
  | "reasoning_tokens"
  | "error_count"
  | "timeout_count"
>;

/** The plain count and token columns of a summary row, as both drivers' SQL names them. */
export function summaryCounts(r: Row): Counts {
  return {
    unpriced_count: num(r.unpriced_count),
    prompt_tokens: num(r.prompt_tokens),
    comp_tokens: num(r.comp_tokens),
    total_tokens: num(r.total_tokens),
    cached_tokens: num(r.cached_tokens),
    reasoning_tokens: num(r.reasoning_tokens),
    error_count: num(r.error_count),
    timeout_count: num(r.timeout_count),
  };
}

/** One exposition row from SQL columns: buckets as lb0.. and qb0.., cost as decimal text. */
export function expositionRow(r: Row, q: ExpositionQuery): ExpositionRow {
  return {
    model: String(r.model),
    provider: String(r.provider),
    caller: String(r.caller),
    span_count: num(r.span_count),
    error_count: num(r.error_count),
    cost_usd: num(r.cost_usd),
    prompt_tokens: num(r.prompt_tokens),
    comp_tokens: num(r.comp_tokens),
    latency_sum: num(r.latency_sum),
    latency_buckets: q.latencyBucketsMs.map((_, i) => num(r[`lb${i}`])),
    quality_count: num(r.quality_count),
    quality_sum: num(r.quality_sum),
    quality_buckets: q.qualityBuckets.map((_, i) => num(r[`qb${i}`])),
  };
}
