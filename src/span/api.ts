import type { Attributes, Span, SpanStatus } from "./types.js";

/** A span as the HTTP API serves it (GET /traces/{id}): timestamps as RFC 3339 with milliseconds. */
export interface ApiSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  model: string | null;
  provider: string | null;
  prompt_tokens: number;
  comp_tokens: number;
  total_tokens: number;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  cost_usd: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  status: SpanStatus;
  caller: string | null;
  started_at: string;
  ended_at: string;
  attributes: Attributes;
}

/**
 * Renders a stored span in the seed page's JSON shape. eval_score is not repeated: it
 * is already in attributes under the quality key.
 *
 * @example toApiSpan(span).started_at // "2026-03-15T14:23:01.441Z"
 */
export function toApiSpan(s: Span): ApiSpan {
  return {
    trace_id: s.trace_id,
    span_id: s.span_id,
    parent_span_id: s.parent_span_id,
    name: s.name,
    model: s.model,
    provider: s.provider,
    prompt_tokens: s.prompt_tokens,
    comp_tokens: s.comp_tokens,
    total_tokens: s.total_tokens,
    cached_tokens: s.cached_tokens,
    reasoning_tokens: s.reasoning_tokens,
    cost_usd: s.cost_usd,
    latency_ms: s.latency_ms,
    ttft_ms: s.ttft_ms,
    status: s.status,
    caller: s.caller,
    started_at: new Date(s.started_at).toISOString(),
    ended_at: new Date(s.ended_at).toISOString(),
    attributes: s.attributes,
  };
}
