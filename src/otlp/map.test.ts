import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ATTR_LIMITS } from "../span/index.js";
import { clipAttributes } from "./attrs.js";
import { mapSpan, SpanRejection } from "./map.js";
import type { OtlpSpan, OtlpValue } from "./read.js";

const START = 1773584581441000000n;

function span(attributes: Record<string, OtlpValue>, over: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    traceId: "5b8efff798038103d269b633813fc60c",
    spanId: "eee19b7ec3c1b174",
    parentSpanId: "",
    name: "chat",
    kind: 3,
    startTimeUnixNano: START,
    endTimeUnixNano: START + 1_240_500_000n,
    attributes,
    statusCode: 0,
    statusMessage: "",
    resource: { "service.name": "svc" },
    scopeName: "",
    ...over,
  };
}

function input(attributes: Record<string, OtlpValue>, over: Partial<OtlpSpan> = {}): Record<string, unknown> {
  const m = mapSpan(span(attributes, over));
  return { ...m.input, llm: m.llm, cacheWrite: m.cacheWrite };
}

function rejection(s: OtlpSpan): string {
  try {
    mapSpan(s);
  } catch (err) {
    assert.ok(err instanceof SpanRejection, String(err));
    return err.message;
  }
  return assert.fail("expected a SpanRejection");
}

describe("precedence", () => {
  test("gen_ai.response.model over gen_ai.request.model; the loser stays an attribute", () => {
    const m = input({ "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06" });
    assert.equal(m.model, "gpt-4o-2024-08-06");
    assert.deepEqual(m.attributes, { "gen_ai.request.model": "gpt-4o" });
  });

  test("gen_ai.provider.name over gen_ai.system; provider spellings fold onto one name", () => {
    assert.equal(
      input({ "gen_ai.request.model": "m", "gen_ai.provider.name": "gcp.gemini", "gen_ai.system": "x" }).provider,
      "google",
    );
    assert.equal(input({ "gen_ai.request.model": "m", "gen_ai.system": "Anthropic" }).provider, "anthropic");
    assert.equal(input({ "ai.model.id": "m", "ai.model.provider": "openai.responses" }).provider, "openai");
    assert.equal(input({ "llm.model_name": "m", "llm.provider": "azure", "llm.system": "openai" }).provider, "azure");
    assert.equal(
      input({ "gen_ai.request.model": "claude-3-5-haiku" }).provider,
      undefined,
      "left to inference from the model",
    );
  });

  test("current token names over deprecated ones, then llm.*, then ai.*", () => {
    const m = input({
      "gen_ai.request.model": "m",
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.prompt_tokens": 99,
      "gen_ai.usage.completion_tokens": 5,
      "ai.usage.completionTokens": 77,
    });
    assert.deepEqual([m.prompt_tokens, m.comp_tokens], [10, 5]);
    assert.equal((m.attributes as Record<string, unknown>)["gen_ai.usage.prompt_tokens"], 99);
    const oi = input({ "llm.model_name": "m", "llm.token_count.prompt": 3, "llm.token_count.completion": "4" });
    assert.deepEqual([oi.prompt_tokens, oi.comp_tokens], [3, 4]);
    const ai = input({
      "ai.model.id": "m",
      "ai.usage.inputTokens": 7,
      "ai.usage.promptTokens": 8,
      "ai.usage.outputTokens": 2,
    });
    assert.deepEqual([ai.prompt_tokens, ai.comp_tokens], [7, 2]);
  });

  test("gen_ai.usage.cost when present, else nothing (the price table decides)", () => {
    assert.equal(input({ "gen_ai.request.model": "m", "gen_ai.usage.cost": 0.5 }).cost_usd, 0.5);
    assert.equal(input({ "llm.model_name": "m", "llm.cost.total": "0.25" }).cost_usd, 0.25);
    assert.equal("cost_usd" in input({ "gen_ai.request.model": "m" }), false);
  });
});

describe("tokens", () => {
  test("cache and reasoning counts inside prompt and completion are kept as reported", () => {
    const m = input({
      "gen_ai.request.model": "m",
      "gen_ai.usage.input_tokens": 1000,
      "gen_ai.usage.output_tokens": 500,
      "gen_ai.usage.cache_read.input_tokens": 200,
      "gen_ai.usage.cache_creation.input_tokens": 100,
      "gen_ai.usage.reasoning.output_tokens": 300,
    });
    assert.deepEqual(
      [m.prompt_tokens, m.comp_tokens, m.cached_tokens, m.reasoning_tokens, m.cacheWrite],
      [1000, 500, 200, 300, 100],
    );
    assert.deepEqual(m.attributes, { "gen_ai.usage.cache_creation.input_tokens": 100 }, "no column holds cache writes");
  });

  test("cache counts larger than the input (reported apart, Anthropic style) are added to it", () => {
    const m = input({
      "gen_ai.request.model": "m",
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.usage.cache_read_input_tokens": 2000,
      "gen_ai.usage.cache_creation_input_tokens": 300,
    });
    assert.deepEqual([m.prompt_tokens, m.cached_tokens, m.cacheWrite], [2310, 2000, 300]);
  });

  test("a total alone is used; a total that agrees is consumed; one that disagrees stays an attribute", () => {
    assert.equal(input({ "gen_ai.request.model": "m", "llm.usage.total_tokens": 42 }).total_tokens, 42);
    const agree = input({
      "gen_ai.request.model": "m",
      "gen_ai.usage.input_tokens": 1,
      "gen_ai.usage.output_tokens": 2,
      "llm.usage.total_tokens": 3,
    });
    assert.deepEqual(agree.attributes, {});
    const disagree = input({
      "gen_ai.request.model": "m",
      "gen_ai.usage.input_tokens": 1,
      "gen_ai.usage.output_tokens": 2,
      "llm.usage.total_tokens": 9,
    });
    assert.equal(disagree.total_tokens, undefined);
    assert.deepEqual(disagree.attributes, { "llm.usage.total_tokens": 9 });
  });

  test("an LLM call with no usage at all (failed early) counts zero tokens", () => {
    const m = input({ "gen_ai.request.model": "m" }, { statusCode: 2 });
    assert.deepEqual([m.prompt_tokens, m.comp_tokens, m.status], [0, 0, "error"]);
  });

  test("a token count that is not an integer >= 0 rejects the span, naming the attribute", () => {
    assert.equal(
      rejection(span({ "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": -1 })),
      "attribute gen_ai.usage.input_tokens: must be an integer >= 0",
    );
    assert.equal(
      rejection(span({ "gen_ai.request.model": "m", "gen_ai.usage.output_tokens": 1.5 })),
      "attribute gen_ai.usage.output_tokens: must be an integer >= 0",
    );
    assert.equal(
      rejection(span({ "gen_ai.request.model": "m", "gen_ai.usage.cost": "free" })),
      "attribute gen_ai.usage.cost: must be a number >= 0",
    );
  });
});

describe("span fields", () => {
  test("ids, times to the millisecond, latency from the nanoseconds, caller from service.name", () => {
    const m = input({ "gen_ai.request.model": "m" }, { parentSpanId: "00f067aa0ba902b7" });
    assert.deepEqual(
      [m.trace_id, m.span_id, m.parent_span_id, m.started_at, m.ended_at, m.latency_ms, m.caller],
      [
        "5b8efff798038103d269b633813fc60c",
        "eee19b7ec3c1b174",
        "00f067aa0ba902b7",
        1773584581441,
        1773584582681,
        1240.5,
        "svc",
      ],
    );
  });

  test("the SDKs' unknown_service fallback is no caller", () => {
    assert.equal(input({}, { resource: { "service.name": "unknown_service:node" } }).caller, undefined);
  });

  test("status code 2 is error, or timeout when error.type or the description says so", () => {
    assert.equal(input({}, { statusCode: 1 }).status, "ok");
    assert.equal(input({}, { statusCode: 2, statusMessage: "rate limited" }).status, "error");
    assert.equal(input({ "error.type": "APIConnectionTimeoutError" }, { statusCode: 2 }).status, "timeout");
    assert.equal(input({}, { statusCode: 2, statusMessage: "Request timed out." }).status, "timeout");
    assert.equal(
      input({ "error.type": "timeout" }, { statusCode: 0 }).status,
      "ok",
      "only an error status can be a timeout",
    );
  });

  test("bad ids and times reject the span", () => {
    assert.match(rejection(span({}, { traceId: "" })), /traceId must be 16 bytes/);
    assert.match(rejection(span({}, { traceId: "0".repeat(32) })), /traceId must be 16 bytes/);
    assert.match(rejection(span({}, { spanId: "abc" })), /spanId must be 8 bytes/);
    assert.match(rejection(span({}, { parentSpanId: "xyz" })), /parentSpanId/);
    assert.match(rejection(span({}, { startTimeUnixNano: 0n })), /startTimeUnixNano is missing/);
    assert.match(rejection(span({}, { endTimeUnixNano: START - 1n })), /before startTimeUnixNano/);
  });

  test("spans without a model, Vercel wrappers and non-LLM OpenInference kinds are not LLM calls", () => {
    assert.equal(input({ "http.route": "/x" }).llm, false);
    const wrapper = input({ "ai.operationId": "ai.streamText", "ai.model.id": "gpt-4o", "ai.usage.promptTokens": 5 });
    assert.equal(wrapper.llm, false);
    assert.equal((wrapper.attributes as Record<string, unknown>)["ai.usage.promptTokens"], 5, "everything is kept");
    assert.equal(input({ "ai.operationId": "ai.streamText.doStream", "ai.model.id": "gpt-4o" }).llm, true);
    assert.equal(input({ "openinference.span.kind": "AGENT", "llm.model_name": "gpt-4o" }).llm, false);
    assert.equal(input({ "openinference.span.kind": "LLM", "llm.model_name": "gpt-4o" }).llm, true);
  });

  test("time to first token in its convention's unit", () => {
    assert.equal(input({ "ai.model.id": "m", "ai.response.msToFirstChunk": 245.5 }).ttft_ms, 245.5);
    assert.equal(input({ "gen_ai.request.model": "m", "gen_ai.server.time_to_first_token": 0.25 }).ttft_ms, 250);
  });

  test("scope name and status description are kept as attributes", () => {
    const m = input({}, { scopeName: "opentelemetry.instrumentation.openai", statusMessage: "boom", statusCode: 2 });
    assert.deepEqual(m.attributes, {
      "otel.scope.name": "opentelemetry.instrumentation.openai",
      "otel.status_description": "boom",
    });
  });
});

describe("clipAttributes", () => {
  test("kvlists flatten to dotted keys, arrays become JSON text", () => {
    assert.deepEqual(clipAttributes([{ a: { b: 1, c: { d: "x" } }, list: ["x", 2] }]), {
      "a.b": 1,
      "a.c.d": "x",
      list: '["x",2]',
    });
  });

  test("limits clip instead of failing: long values cut, long keys and keys past the limit dropped", () => {
    const many: Record<string, OtlpValue> = {};
    for (let i = 0; i < ATTR_LIMITS.maxKeys + 10; i++) many[`k${i}`] = i;
    assert.equal(Object.keys(clipAttributes([many])).length, ATTR_LIMITS.maxKeys);
    const long = clipAttributes([{ prompt: "p".repeat(10_000), ["x".repeat(ATTR_LIMITS.maxKeyLength + 1)]: 1 }]);
    assert.deepEqual(Object.keys(long), ["prompt"]);
    assert.equal((long.prompt as string).length, ATTR_LIMITS.maxValueLength);
  });
});

describe("session_id and user_id", () => {
  const llm = { "gen_ai.request.model": "gpt-4o" };

  test("each convention's keys; the key that became the field leaves the attributes", () => {
    for (const [key, field] of [
      ["gen_ai.conversation.id", "session_id"],
      ["session.id", "session_id"],
      ["ai.telemetry.metadata.sessionId", "session_id"],
      ["user.id", "user_id"],
      ["enduser.id", "user_id"],
      ["ai.telemetry.metadata.userId", "user_id"],
    ]) {
      const m = input({ ...llm, [key]: "  v-1 " });
      assert.equal(m[field], "v-1", key);
      assert.deepEqual(m.attributes, {}, key);
    }
  });

  test("precedence: gen_ai.conversation.id, session.id, Vercel; user.id, enduser.id, Vercel; losers stay attributes", () => {
    const m = input({
      ...llm,
      "ai.telemetry.metadata.sessionId": "vercel",
      "session.id": "otel",
      "gen_ai.conversation.id": "genai",
      "ai.telemetry.metadata.userId": "vercel-u",
      "enduser.id": "end",
      "user.id": "u",
    });
    assert.deepEqual([m.session_id, m.user_id], ["genai", "u"]);
    assert.deepEqual(m.attributes, {
      "ai.telemetry.metadata.sessionId": "vercel",
      "session.id": "otel",
      "ai.telemetry.metadata.userId": "vercel-u",
      "enduser.id": "end",
    });
    assert.equal(input({ ...llm, "enduser.id": "end", "ai.telemetry.metadata.userId": "v" }).user_id, "end");
  });

  test("a value that cannot be an id is passed over (the next key wins), kept as an attribute, never a rejection", () => {
    const long = "x".repeat(257);
    const m = input({ ...llm, "gen_ai.conversation.id": " ", "session.id": long, "user.id": true, "enduser.id": 42 });
    assert.equal(m.session_id, null);
    assert.equal(m.user_id, "42", "an integer id is its decimal text");
    assert.deepEqual(m.attributes, { "gen_ai.conversation.id": " ", "session.id": long, "user.id": true });
    assert.equal(input({ ...llm, "user.id": "a\u0000b", "enduser.id": 1.5 }).user_id, null);
    assert.equal(input({ ...llm, "session.id": "s".repeat(256) }).session_id, "s".repeat(256));
  });

  test("spans that are not LLM calls carry them too; resource attributes when the span has none", () => {
    const plain = input({ "session.id": "c-9", "http.method": "GET" });
    assert.deepEqual([plain.llm, plain.session_id, plain.attributes], [false, "c-9", { "http.method": "GET" }]);
    const res = { "service.name": "svc", "enduser.id": "from-resource", "session.id": "res-session" };
    const m = input({ ...llm, "session.id": "from-span" }, { resource: res });
    assert.deepEqual([m.session_id, m.user_id], ["from-span", "from-resource"]);
    assert.deepEqual(m.attributes, {});
  });
});
