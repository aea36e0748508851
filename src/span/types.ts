// The span's fields are defined once, in schema/span.ts (below config/, which reads their
// names too); the span's own code and its users import the types from here.
import { SPAN_SCHEMA, type Span, type SpanFieldName } from "../schema/span.js";

export type { Attributes, AttrValue, Span, SpanStatus } from "../schema/span.js";
export { SPAN_STATUSES } from "../schema/span.js";

/** Every Span field, in the order stores and exports lay them out as columns. */
export const SPAN_FIELDS: readonly SpanFieldName[] = SPAN_SCHEMA.map((f) => f.name);

/** What a span without an LLM call has of its own; every LLM field is empty. */
export type NonLlmFields = Partial<Pick<Span, "session_id" | "user_id">> &
  Pick<
    Span,
    | "trace_id"
    | "span_id"
    | "parent_span_id"
    | "name"
    | "latency_ms"
    | "status"
    | "caller"
    | "started_at"
    | "ended_at"
    | "attributes"
  >;

/**
 * A span that is not an LLM call (a trace or step that groups calls): no model, no tokens,
 * no cost. Stores keep it in its trace; metrics never count it.
 */
export function nonLlmSpan(f: NonLlmFields): Span {
  return {
    trace_id: f.trace_id,
    span_id: f.span_id,
    parent_span_id: f.parent_span_id,
    name: f.name,
    model: null,
    provider: null,
    prompt_tokens: 0,
    comp_tokens: 0,
    total_tokens: 0,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    latency_ms: f.latency_ms,
    ttft_ms: null,
    status: f.status,
    caller: f.caller,
    started_at: f.started_at,
    ended_at: f.ended_at,
    eval_score: null,
    attributes: f.attributes,
    session_id: f.session_id ?? null,
    user_id: f.user_id ?? null,
  };
}
