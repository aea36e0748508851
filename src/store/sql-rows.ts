import type { Attributes, Span, SpanStatus } from "../span/types.js";
import { SPAN_COLUMNS } from "./duckdb/schema.js";
import type { ExpositionQuery, ExpositionRow, SummaryRow } from "./store.js";

// Row mapping shared by the SQL drivers (duckdb and postgres store the same columns).

type Row = Record<string, unknown>;

/**
 * Column list for SELECTs that feed rowToSpan; `attributes` is the expression that yields
 * the attributes as JSON text.
 *
 * @example spanSelect("attributes::text AS attributes")
 */
export function spanSelect(attributes = "attributes"): string {
  return SPAN_COLUMNS.map((c) => (c === "attributes" ? attributes : c)).join(", ");
}

/** A stored row (plain JS values, attributes as JSON text) back into a Span. */
export function rowToSpan(r: Row): Span {
  return {
    trace_id: r.trace_id as string,
    span_id: r.span_id as string,
    parent_span_id: (r.parent_span_id as string | null) ?? null,
    name: r.name as string,
    model: (r.model as string | null) ?? null,
    provider: (r.provider as string | null) ?? null,
    prompt_tokens: r.prompt_tokens as number,
    comp_tokens: r.comp_tokens as number,
    total_tokens: r.total_tokens as number,
    cached_tokens: (r.cached_tokens as number | null) ?? null,
    reasoning_tokens: (r.reasoning_tokens as number | null) ?? null,
    cost_usd: (r.cost_usd as number | null) ?? null,
    latency_ms: r.latency_ms as number,
    ttft_ms: (r.ttft_ms as number | null) ?? null,
    status: r.status as SpanStatus,
    caller: (r.caller as string | null) ?? null,
    started_at: r.started_at as number,
    ended_at: r.ended_at as number,
    eval_score: (r.eval_score as number | null) ?? null,
    attributes: JSON.parse(r.attributes as string) as Attributes,
  };
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
