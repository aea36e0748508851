import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { toApiSpan } from "./api.js";
import { AttrError, flattenAttributes } from "./attributes.js";
import { normalizeSpanId, normalizeTraceId } from "./ids.js";
import { inferProvider } from "./provider.js";
import { seedStoredSpan } from "./testing/seed.js";
import { parseRfc3339, parseTimestamp } from "./time.js";

function attrError(raw: unknown): { field: string; message: string } {
  try {
    flattenAttributes(raw);
  } catch (e) {
    assert.ok(e instanceof AttrError);
    return { field: e.field, message: e.message };
  }
  assert.fail("expected an AttrError");
}

describe("flattenAttributes limits", () => {
  test("128 keys pass, 129 fail (counted after flattening)", () => {
    const ok: Record<string, number> = {};
    for (let i = 0; i < 128; i++) ok[`k${i}`] = i;
    assert.equal(Object.keys(flattenAttributes(ok)).length, 128);
    const nested = { a: { ...ok }, b: 1 };
    assert.deepEqual(attrError(nested), { field: "attributes", message: "more than 128 keys" });
  });

  test("key length 256 passes, 257 fails, including the dotted prefix", () => {
    assert.ok(flattenAttributes({ ["k".repeat(256)]: 1 }));
    assert.equal(attrError({ ["k".repeat(257)]: 1 }).message, "key longer than 256 characters");
    assert.equal(attrError({ ["a".repeat(200)]: { ["b".repeat(56)]: 1 } }).message, "key longer than 256 characters");
  });

  test("string values up to 4096 characters", () => {
    assert.ok(flattenAttributes({ v: "x".repeat(4096) }));
    assert.deepEqual(attrError({ v: "x".repeat(4097) }), {
      field: "attributes.v",
      message: "value longer than 4096 characters",
    });
  });

  test("empty keys, duplicates after flattening and odd types are rejected", () => {
    assert.equal(attrError({ "": 1 }).message, "attribute keys must not be empty");
    assert.deepEqual(attrError({ "a.b": 1, a: { b: 2 } }), {
      field: "attributes.a.b",
      message: "duplicate key after flattening nested objects",
    });
    assert.equal(attrError({ f: () => 1 }).message, "must be a string, number, boolean or object");
  });

  test("a __proto__ key is kept as data, not as a prototype", () => {
    const out = flattenAttributes(JSON.parse('{"__proto__": "x", "a": 1}'));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out).sort(), ["__proto__", "a"]);
    assert.equal(JSON.stringify(out), '{"__proto__":"x","a":1}');
  });
});

describe("ids", () => {
  test("trace ids: UUID or 32 hex → lowercase UUID", () => {
    assert.equal(normalizeTraceId("7F3A1C2B-E4D5-4F6A-8B9C-0D1E2F3A4B5C"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    assert.equal(normalizeTraceId("7f3a1c2be4d54f6a8b9c0d1e2f3a4b5c"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    for (const bad of ["", "7f3a1c2b", "7f3a1c2be4d54f6a8b9c0d1e2f3a4b5g", "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5cx"]) {
      assert.equal(normalizeTraceId(bad), null, bad);
    }
    assert.equal(normalizeTraceId("b7ad6b7169203331"), null, "16 hex is a span id, not a trace id");
  });

  test("span ids also take 16 hex", () => {
    assert.equal(normalizeSpanId("B7AD6B7169203331"), "b7ad6b7169203331");
    assert.equal(normalizeSpanId("7f3a1c2be4d54f6a8b9c0d1e2f3a4b5c"), "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c");
    assert.equal(normalizeSpanId("b7ad6b716920333z"), null);
  });
});

describe("inferProvider", () => {
  const cases: Record<string, string | null> = {
    "gpt-4o": "openai",
    "gpt-4o-mini": "openai",
    o1: "openai",
    "o3-mini": "openai",
    "o4-mini": "openai",
    "chatgpt-4o-latest": "openai",
    "text-embedding-3-small": "openai",
    "claude-sonnet-4-5": "anthropic",
    "gemini-2.5-flash": "google",
    "models/gemini-1.5-pro": "google",
    "mistral-large-latest": "mistral",
    "open-mixtral-8x7b": "mistral",
    "codestral-latest": "mistral",
    "command-r-plus": "cohere",
    "Llama-3.3-70B-Instruct": "meta",
    "meta-llama/llama-3.1-8b": "meta",
    "deepseek-chat": "deepseek",
    "grok-4": "xai",
    "openai/gpt-4o": "openai",
    "my-finetune": null,
    o5x: null,
    "go1-model": null,
  };
  for (const [model, provider] of Object.entries(cases)) {
    test(`${model} → ${provider}`, () => assert.equal(inferProvider(model), provider));
  }
});

describe("timestamps", () => {
  test("RFC 3339 variants", () => {
    const base = Date.UTC(2026, 2, 15, 14, 23, 1, 441);
    assert.equal(parseRfc3339("2026-03-15T14:23:01.441Z"), base);
    assert.equal(parseRfc3339("2026-03-15t14:23:01.441z"), base);
    assert.equal(parseRfc3339("2026-03-15 14:23:01.441Z"), base);
    assert.equal(parseRfc3339("2026-03-15T14:23:01.441999Z"), base, "sub-ms digits truncate");
    assert.equal(parseRfc3339("2026-03-15T16:53:01.441+02:30"), base);
    assert.equal(parseRfc3339("2026-03-15T09:23:01.441-05:00"), base);
    assert.equal(parseRfc3339("2024-02-29T00:00:00Z"), Date.UTC(2024, 1, 29));
  });

  test("rejects what Date.parse would accept or roll over", () => {
    for (const bad of [
      "2026-03-15",
      "2026-03-15T14:23:01",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-03-15T24:00:00Z",
      "2026-03-15T14:60:00Z",
      "March 15, 2026",
      "2026-03-15T14:23:01+0200",
    ]) {
      assert.equal(parseRfc3339(bad), null, bad);
    }
  });

  test("epoch ms numbers, bounded to years 1970–9999", () => {
    assert.equal(parseTimestamp(1773584581441.9), 1773584581441);
    assert.equal(parseTimestamp(0), 0);
    assert.equal(parseTimestamp(-1), null);
    assert.equal(parseTimestamp(1e20), null);
    assert.equal(parseTimestamp(Number.NaN), null);
    assert.equal(parseTimestamp("1773584581441"), null);
  });
});

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
