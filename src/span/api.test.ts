import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { toApiSpan } from "./api.js";
import { seedStoredSpan } from "./testing/seed.js";

// The documented GET /traces/{id} example (docs/api.md) is the contract: its span's keys, in order.
function documentedSpanKeys(): string[] {
  const doc = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
  for (const [, block] of doc.matchAll(/```json\n([\s\S]*?)```/g)) {
    if (!block.includes('"spans"')) continue;
    const body = JSON.parse(block) as { spans?: Record<string, unknown>[] };
    if (Array.isArray(body.spans) && body.spans.length > 0) return Object.keys(body.spans[0]);
  }
  throw new Error("docs/api.md has no trace example with spans");
}

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
  assert.deepEqual(Object.keys(api), documentedSpanKeys());
  assert.equal(api.caller, null);
  assert.equal(api.cost_usd, span.cost_usd);
  assert.deepEqual(api.attributes, { "eval.score": 0.87 });
});
