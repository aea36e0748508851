import type { Span } from "./types.js";

/** A span as the HTTP API serves it (GET /traces/{id}): timestamps as RFC 3339 with milliseconds. */
export type ApiSpan = Omit<Span, "started_at" | "ended_at" | "eval_score"> & { started_at: string; ended_at: string };

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
