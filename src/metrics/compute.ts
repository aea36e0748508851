import type { Family } from "./catalogue.js";
import type { Figures } from "./figures.js";

/** JSON object whose keys may be any group name (even "__proto__"): built with defineProperty semantics. */
export type JsonMap<T> = Record<string, T>;
export function toMap<T>(entries: [string, T][]): JsonMap<T> {
  return Object.fromEntries(entries);
}

/**
 * One family's block as GET /metrics shows it. `costByModel` fills cost.by_model (the seed
 * page's shape); it is left out inside groups, where it would repeat the group-by.
 */
export function familyBlock(family: Family, f: Figures, costByModel?: JsonMap<number>): Record<string, unknown> {
  switch (family) {
    case "cost":
      return {
        total_usd: f.total_usd,
        per_call_usd: f.per_call_usd,
        ...(costByModel ? { by_model: costByModel } : {}),
        unpriced_span_count: f.unpriced_span_count,
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
export function allBlocks(f: Figures, costByModel?: JsonMap<number>): Record<string, unknown> {
  return {
    span_count: f.span_count,
    cost: familyBlock("cost", f, costByModel),
    tokens: familyBlock("tokens", f),
    latency: familyBlock("latency", f),
    errors: familyBlock("errors", f),
    quality: familyBlock("quality", f),
    throughput: familyBlock("throughput", f),
  };
}
