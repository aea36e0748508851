import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createPricer } from "../pricing/index.js";
import { parseSpans } from "../span/normalize.js";
import { createTracer } from "./tracer.js";
import { MemoryTransport } from "./transports/memory.js";
import { toWireSpan } from "./wire.js";

function setup() {
  const mem = new MemoryTransport();
  const tracer = createTracer({ service: "svc", transport: mem, flushIntervalMs: 60_000 });
  return { mem, tracer };
}

describe("tracer", () => {
  test("without a transport it is a no-op that still runs the code", async () => {
    const t = createTracer({ service: "svc" });
    assert.equal(t.transportName, "none");
    const out = await t.trace("x", async (trace) => {
      trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
      assert.match(trace.ID(), /^[0-9a-f-]{36}$/);
      return 42;
    });
    assert.equal(out, 42);
    assert.deepEqual(t.stats(), { recorded: 0, exported: 0, dropped: 0, failed: 0, queued: 0 });
    await t.flush();
    await t.shutdown();
  });

  test("trace.recordLLMCall makes the trace one timed span named after it (the seed's example)", async () => {
    const { mem, tracer } = setup();
    let id = "";
    await tracer.trace("summarize-document", async (trace) => {
      id = trace.ID();
      trace.setAttributes({ "eval.score": 0.87, workflow: "document-summary" });
      trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 512, comp_tokens: 128 });
    });
    await tracer.flush();
    const [s] = mem.spans();
    assert.equal(s.trace_id, id);
    assert.equal(s.name, "summarize-document");
    assert.equal(s.parent_span_id, null);
    assert.equal(s.total_tokens, 640);
    assert.equal(s.cost_usd, 0.00256); // 512*2.5 + 128*10 = 2560 µ$
    assert.equal(s.eval_score, 0.87);
    assert.equal(s.attributes.workflow, "document-summary");
    assert.equal(s.caller, "svc");
    assert.ok(s.ended_at >= s.started_at);
  });

  test("a throwing span is status error, an aborted one timeout; errors are rethrown unchanged", async () => {
    const { mem, tracer } = setup();
    const boom = new Error("boom");
    await assert.rejects(
      tracer.trace("t", async (trace) => {
        trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
        throw boom;
      }),
      (e) => e === boom,
    );
    await assert.rejects(
      tracer.span("s", async (span) => {
        span.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
        throw new DOMException("The operation was aborted", "AbortError");
      }),
    );
    await tracer.flush();
    assert.deepEqual(
      mem.spans().map((s) => s.status),
      ["error", "timeout"],
    );
  });

  test("unknown model: cost_usd null, never 0; the wire form leaves it for the server", async () => {
    const { mem, tracer } = setup();
    tracer.recordLLMCall({ model: "my-private-model", prompt_tokens: 100, comp_tokens: 10, latency_ms: 250 });
    await tracer.flush();
    const [s] = mem.spans();
    assert.equal(s.cost_usd, null);
    assert.equal(s.latency_ms, 250);
    assert.equal("cost_usd" in toWireSpan(s), false);
  });

  test("every span the SDK builds is accepted by POST /spans validation, even from messy input", async () => {
    const { mem, tracer } = setup();
    const long = "x".repeat(10_000);
    await tracer.trace("t", async (trace) => {
      trace.setAttributes({ nested: { a: { b: 1 } }, list: [1, 2], nan: Number.NaN, long, nil: null });
      for (let i = 0; i < 200; i++) trace.setAttributes({ [`k${i}`]: i });
      tracer.recordLLMCall({
        model: "gpt-4o",
        prompt_tokens: -5,
        comp_tokens: 2.6,
        total_tokens: 999,
        cached_tokens: 50,
      });
      tracer.recordLLMCall({ model: "claude-sonnet-4-6", total_tokens: 30, reasoning_tokens: 7 });
    });
    await tracer.flush();
    const [group, ...calls] = [...mem.spans()].sort((a, b) => (a.model === null ? -1 : b.model === null ? 1 : 0));
    assert.equal(group.model, null, "the trace without LLM data of its own is a grouping span");
    const wire = JSON.parse(JSON.stringify(calls.map(toWireSpan)));
    // with the server's default time bounds (ingest.max_future 1h, retention 30d): the SDK dates
    // spans by Date.now(), so they are never refused for their start
    const parsed = parseSpans(wire, {
      now: Date.now(),
      qualityKey: "eval.score",
      price: createPricer({}),
      maxFutureMs: 3_600_000,
      retentionMs: 30 * 86_400_000,
    });
    assert.equal(parsed.length, 2);
    assert.equal(parsed[0].prompt_tokens, 996); // a negative count is ignored: total - comp
    assert.equal(parsed[0].comp_tokens, 3);
    assert.equal(parsed[0].cached_tokens, 50);
    assert.equal(parsed[0].attributes["nested.a.b"], 1);
    assert.equal(parsed[0].attributes.list, "[1,2]");
    assert.equal(parsed[0].attributes.long, long.slice(0, 4096));
    assert.equal(Object.keys(parsed[0].attributes).length, 128);
    assert.equal(parsed[1].prompt_tokens, 30);
    assert.equal(parsed[1].reasoning_tokens, 0);
    assert.equal(parsed[1].trace_id, mem.spans()[1].trace_id);
  });

  test("finding: NUL, lone surrogates, huge counts and costs the server refuses are made valid by the SDK, never a rejected batch", async () => {
    const { mem, tracer } = setup();
    await tracer.trace("t\u0000", async (trace) => {
      trace.setAttributes({ "k\u0000": "v\ud800", ok: "😀" });
      tracer.recordLLMCall({
        model: "gpt-4o\u0000",
        prompt_tokens: 400_000_000_000,
        comp_tokens: 1e12,
        name: "n\udc00",
      });
      tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1, cost_usd: 5e6 });
    });
    await tracer.flush();
    const wire = JSON.parse(JSON.stringify(mem.spans().map(toWireSpan)));
    const parsed = parseSpans(wire, {
      now: Date.now(),
      qualityKey: "eval.score",
      price: createPricer({}),
      allowNoModel: true,
    });
    const call = parsed.find((p) => p.name === "n\ufffd");
    assert.ok(call !== undefined);
    assert.equal(call.model, "gpt-4o\ufffd");
    assert.deepEqual(call.attributes, { "k\ufffd": "v\ufffd", ok: "😀" });
    assert.equal(call.total_tokens, 1_000_000_000);
    assert.equal(call.comp_tokens, 1_000_000_000);
    assert.equal(parsed.find((p) => p.model === null)?.name, "t\ufffd");
    // a cost past the column is not sent: the server prices the span itself
    assert.ok((parsed.find((p) => p.model === "gpt-4o")?.cost_usd ?? 0) < 1);
  });

  test("currentTrace() and nesting across awaits; startTrace + run", async () => {
    const { mem, tracer } = setup();
    const trace = tracer.startTrace("manual");
    await trace.run(async () => {
      await new Promise((r) => setImmediate(r));
      assert.equal(tracer.currentTrace()?.ID(), trace.ID());
      tracer.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 3 });
    });
    trace.end();
    trace.end();
    assert.equal(tracer.currentTrace(), undefined);
    await tracer.flush();
    assert.equal(mem.spans()[0].trace_id, trace.ID());
    assert.equal(mem.spans()[0].name, "manual");
  });

  test("flush and shutdown are idempotent; spans after shutdown are dropped and counted", async () => {
    const { mem, tracer } = setup();
    tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
    await Promise.all([tracer.flush(), tracer.flush()]);
    await tracer.shutdown();
    await tracer.shutdown();
    tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
    assert.equal(mem.spans().length, 1);
    assert.deepEqual(tracer.stats(), { recorded: 2, exported: 1, dropped: 1, failed: 0, queued: 0 });
  });
});
