import assert from "node:assert/strict";
import { test } from "node:test";
import { toApiSpan } from "./api.js";
import { seedStoredSpan } from "./testing/seed.js";

test("toApiSpan renders the seed's JSON shape", () => {
  const span = seedStoredSpan({
    caller: null,
    ended_at: Date.parse("2026-03-15T14:23:02Z"),
    attributes: { "eval.score": 0.87 },
  });
  const api = toApiSpan(span);
  assert.equal(api.started_at, "2026-03-15T14:23:01.441Z");
  assert.equal(api.ended_at, "2026-03-15T14:23:02.000Z");
  assert.equal("eval_score" in api, false);
  assert.deepEqual(Object.keys(api), [
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
    "attributes",
  ]);
  assert.deepEqual(api.attributes, { "eval.score": 0.87 });
});
