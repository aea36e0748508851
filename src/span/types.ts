/** Status of one LLM call. */
export type SpanStatus = "ok" | "error" | "timeout";
export const SPAN_STATUSES: readonly SpanStatus[] = ["ok", "error", "timeout"];

/** Attribute values after flattening: nested objects become dotted keys. */
export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

/**
 * A normalised span as stored and served. Timestamps are epoch milliseconds here;
 * the HTTP API renders them as RFC 3339 strings (see toApiSpan).
 * `model` is null only for non-LLM spans (OTLP spans without a model): they belong
 * to their trace but are never counted in LLM metrics.
 */
export interface Span {
  trace_id: string; // lowercase UUID form
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
  cost_usd: number | null; // null = unpriced (unknown model), never a silent 0
  latency_ms: number;
  ttft_ms: number | null;
  status: SpanStatus;
  caller: string | null;
  started_at: number; // epoch ms
  ended_at: number; // epoch ms
  eval_score: number | null; // promoted from attributes[quality.score_attribute]
  attributes: Attributes;
}

/** Every Span field, in the order stores and exports lay them out as columns. */
export const SPAN_FIELDS = [
  "trace_id",
  "span_id",
  "parent_span_id",
  "name",
  "model",
  "provider",
  "prompt_tokens",
  "comp_tokens",
  "total_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "cost_usd",
  "latency_ms",
  "ttft_ms",
  "status",
  "caller",
  "started_at",
  "ended_at",
  "eval_score",
  "attributes",
] as const satisfies readonly (keyof Span)[];
