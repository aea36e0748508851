import { roundCost, roundTo } from "../stats/cost.js";
import type { SummaryRow } from "../store/store.js";

/**
 * Every user-visible figure of one summary row, rounded once here so GET /metrics, the
 * single-metric routes, series and alert rules all show the same number: costs to 12
 * decimals (no float noise), milliseconds to 3 decimals, scores to 6; rates are plain ratios.
 * Averages, rates and percentiles are null when nothing was measured.
 */
export interface Figures {
  span_count: number;
  /** null when there are calls and none of them is priced: unknown, never a silent $0. */
  total_usd: number | null;
  per_call_usd: number | null;
  unpriced_span_count: number;
  prompt_total: number;
  completion_total: number;
  total_tokens: number;
  cached_total: number;
  reasoning_total: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  avg_ms: number | null;
  max_ms: number | null;
  ttft_p50_ms: number | null;
  ttft_p95_ms: number | null;
  error_rate: number | null;
  error_count: number;
  timeout_count: number;
  timeout_rate: number | null;
  score_avg: number | null;
  score_p10: number | null;
  scored_span_count: number;
  spans_per_min: number;
  tokens_per_min: number;
}

const ms = (v: number | null) => (v === null ? null : roundTo(v, 3));
const score = (v: number | null) => (v === null ? null : roundTo(v, 6));
const ratio = (n: number, d: number) => (d === 0 ? null : n / d);

export function figures(r: SummaryRow, windowMs: number): Figures {
  const priced = r.span_count - r.unpriced_count;
  const minutes = windowMs / 60_000;
  return {
    span_count: r.span_count,
    total_usd: r.span_count > 0 && priced === 0 ? null : roundCost(r.cost_usd),
    per_call_usd: priced === 0 ? null : roundCost(r.cost_usd / priced),
    unpriced_span_count: r.unpriced_count,
    prompt_total: r.prompt_tokens,
    completion_total: r.comp_tokens,
    total_tokens: r.total_tokens,
    cached_total: r.cached_tokens,
    reasoning_total: r.reasoning_tokens,
    p50_ms: ms(r.latency_p50),
    p95_ms: ms(r.latency_p95),
    p99_ms: ms(r.latency_p99),
    avg_ms: ms(r.latency_avg),
    max_ms: ms(r.latency_max),
    ttft_p50_ms: ms(r.ttft_p50),
    ttft_p95_ms: ms(r.ttft_p95),
    error_rate: ratio(r.error_count, r.span_count),
    error_count: r.error_count,
    timeout_count: r.timeout_count,
    timeout_rate: ratio(r.timeout_count, r.span_count),
    score_avg: score(r.quality_avg),
    score_p10: score(r.quality_p10),
    scored_span_count: r.scored_count,
    spans_per_min: roundTo(r.span_count / minutes, 6),
    tokens_per_min: roundTo(r.total_tokens / minutes, 6),
  };
}
