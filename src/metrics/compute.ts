import type { SummaryRow } from "../store/store.js";
import type { Family } from "./catalogue.js";
import { type Figures, figures } from "./figures.js";

/** JSON object whose keys may be any group name (even "__proto__"): built with defineProperty semantics. */
export type JsonMap<T> = Record<string, T>;
export function toMap<T>(entries: [string, T][]): JsonMap<T> {
  return Object.fromEntries(entries);
}

/** cost.by_model (the seed page's shape: model → USD, null when unpriced) and its unpriced counts. */
export interface CostByModel {
  by_model: JsonMap<number | null>;
  unpriced_by_model: JsonMap<number>;
}

export function costByModel(rows: readonly SummaryRow[], windowMs: number): CostByModel {
  const figs = rows.map((r): [string, Figures] => [r.group ?? "", figures(r, windowMs)]);
  return {
    by_model: toMap(figs.map(([g, f]) => [g, f.total_usd])),
    unpriced_by_model: toMap(figs.map(([g, f]) => [g, f.unpriced_span_count])),
  };
}

/**
 * One family's block as GET /metrics shows it. `byModel` fills cost.by_model; it is left
 * out inside groups, where it would repeat the group-by.
 */
export function familyBlock(family: Family, f: Figures, byModel?: CostByModel): Record<string, unknown> {
  switch (family) {
    case "cost":
      return {
        total_usd: f.total_usd,
        per_call_usd: f.per_call_usd,
        ...(byModel ? { by_model: byModel.by_model } : {}),
        unpriced_span_count: f.unpriced_span_count,
        ...(byModel ? { unpriced_by_model: byModel.unpriced_by_model } : {}),
      };
    case "tokens":
      return {
        prompt_total: f.prompt_total,
        completion_total: f.completion_total,
        total: f.total_tokens,
        cached_total: f.cached_total,
        reasoning_total: f.reasoning_total,
      };
    case "latency":
      return {
        p50_ms: f.p50_ms,
        p95_ms: f.p95_ms,
        p99_ms: f.p99_ms,
        avg_ms: f.avg_ms,
        max_ms: f.max_ms,
        ttft: { p50_ms: f.ttft_p50_ms, p95_ms: f.ttft_p95_ms },
      };
    case "errors":
      return { rate: f.error_rate, count: f.error_count, timeout_count: f.timeout_count };
    case "quality":
      return { score_avg: f.score_avg, score_p10: f.score_p10, scored_span_count: f.scored_span_count };
    case "throughput":
      return { span_count: f.span_count, spans_per_min: f.spans_per_min, tokens_per_min: f.tokens_per_min };
  }
}

/** Every family block, keyed by family, after span_count: the body of GET /metrics (and of each group). */
export function allBlocks(f: Figures, byModel?: CostByModel): Record<string, unknown> {
  return {
    span_count: f.span_count,
    cost: familyBlock("cost", f, byModel),
    tokens: familyBlock("tokens", f),
    latency: familyBlock("latency", f),
    errors: familyBlock("errors", f),
    quality: familyBlock("quality", f),
    throughput: familyBlock("throughput", f),
  };
}
