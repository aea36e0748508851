// The seed page's example span, shared by unit tests, end-to-end tests and benchmarks.
import assert from "node:assert/strict";
import type { Span } from "../types.js";

/** The example body of the seed page's POST /spans section. */
export const SEED_SPAN = {
  name: "summarize-document",
  model: "gpt-4o",
  provider: "openai",
  prompt_tokens: 512,
  comp_tokens: 128,
  total_tokens: 640,
  cost_usd: 0.00448,
  latency_ms: 1240,
  status: "ok",
  caller: "summarizer-service",
  attributes: { "eval.score": 0.87, workflow: "document-summary" },
};

/** The seed page's trace id and span id of that span, as GET /traces/{id} shows them. */
export const SEED_TRACE_ID = "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c";
export const SEED_SPAN_ID = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";

const STARTED = "2026-03-15T14:23:01.441Z";
const ENDED = "2026-03-15T14:23:02.681Z";
// the fields the seed page's GET /traces/{id} shows as they were posted
const { caller, attributes, ...shown } = SEED_SPAN;

/** That span as stored (normalised), at the seed page's times; `over` changes fields. */
export function seedStoredSpan(over: Partial<Span> = {}): Span {
  return {
    trace_id: SEED_TRACE_ID,
    span_id: SEED_SPAN_ID,
    parent_span_id: null,
    ...shown,
    status: "ok",
    caller,
    cached_tokens: null,
    reasoning_tokens: null,
    ttft_ms: null,
    started_at: Date.parse(STARTED),
    ended_at: Date.parse(ENDED),
    eval_score: 0.87,
    session_id: null,
    user_id: null,
    attributes: { ...attributes },
    ...over,
  };
}

/** The seed page's GET /traces/{id} response for that span, without its span list. */
const SEED_TRACE_TOP = {
  trace_id: SEED_TRACE_ID,
  name: "summarize-document",
  started_at: STARTED,
  ended_at: ENDED,
  total_cost_usd: 0.00448,
  total_tokens: 640,
  span_count: 1,
};

/** The fields of its one span the seed page shows (attributes apart). */
const SEED_TRACE_SPAN = { span_id: SEED_SPAN_ID, parent_span_id: null, ...shown, started_at: STARTED, ended_at: ENDED };

/**
 * Asserts a GET /traces/{id} body is the seed page's response for the seed span posted with
 * SEED_TRACE_ID, SEED_SPAN_ID and its started_at; `attributes` are the ones that were posted.
 */
export function assertSeedTrace(body: unknown, attributes: Record<string, unknown>): void {
  // GET /traces/{id} adds the trace's scores (POST /scores) after the seed page's fields
  const { spans, scores, ...top } = body as Record<string, unknown> & { spans: Record<string, unknown>[] };
  assert.deepEqual(top, SEED_TRACE_TOP);
  if (scores !== undefined) assert.deepEqual(scores, []);
  assert.equal(spans.length, 1);
  for (const [k, v] of Object.entries(SEED_TRACE_SPAN)) assert.deepEqual(spans[0][k], v, k);
  assert.deepEqual(spans[0].attributes, attributes);
}
