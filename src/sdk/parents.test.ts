// Spans take their parent from the context: the enclosing span, which is always sent (as an
// LLM span, or as a grouping span without a model), even when it gets its LLM data after the
// spans inside it have finished.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span } from "../span/types.js";
import { createTracer } from "./tracer.js";
import { MemoryTransport } from "./transports/memory.js";

function setup() {
  const mem = new MemoryTransport();
  const tracer = createTracer({ service: "svc", transport: mem, flushIntervalMs: 60_000 });
  const byName = async () => {
    await tracer.flush();
    return new Map(mem.spans().map((s) => [s.name, s] as [string, Span]));
  };
  return { mem, tracer, byName };
}

test("trace('rag') with its call recorded last is the parent of a span that finished before", async () => {
  const { tracer, byName } = setup();
  let traceSpanId = "";
  await tracer.trace("rag", async (trace) => {
    await tracer.span("retrieve", async (span) => {
      span.recordLLMCall({ model: "text-embedding-3-small", prompt_tokens: 12 });
      tracer.recordLLMCall({ name: "rerank", model: "gpt-4o-mini", prompt_tokens: 40, comp_tokens: 2 });
    });
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 500, comp_tokens: 80 });
    traceSpanId = (trace as unknown as { spanId: string }).spanId;
  });
  const s = await byName();
  assert.deepEqual([...s.keys()].sort(), ["rag", "rerank", "retrieve"]);
  const rag = s.get("rag") as Span;
  const retrieve = s.get("retrieve") as Span;
  assert.equal(rag.span_id, traceSpanId);
  assert.equal(rag.parent_span_id, null);
  assert.equal(retrieve.parent_span_id, rag.span_id);
  assert.equal(s.get("rerank")?.parent_span_id, retrieve.span_id);
  assert.ok(rag.started_at <= retrieve.started_at);
});

test("a span without LLM data is sent as a grouping span (no model) and is the parent of the spans inside", async () => {
  const { tracer, byName } = setup();
  await tracer.trace("agent", async (trace) => {
    trace.setAttributes({ workflow: "support" });
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10 });
    await tracer.span("tools", async (tools) => {
      tools.setAttributes({ tool: "search" });
      await tracer.span("search", async (inner) => {
        inner.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 3 });
      });
    });
  });
  const s = await byName();
  assert.deepEqual([...s.keys()].sort(), ["agent", "search", "tools"]);
  const tools = s.get("tools") as Span;
  assert.equal(tools.model, null);
  assert.equal(tools.cost_usd, null);
  assert.equal(tools.total_tokens, 0);
  assert.equal(tools.parent_span_id, s.get("agent")?.span_id);
  assert.deepEqual(tools.attributes, { workflow: "support", tool: "search" });
  assert.equal(tools.caller, "svc");
  assert.equal(s.get("search")?.parent_span_id, tools.span_id);
});

test("trace('rag') without LLM data is the root of its trace; spans recorded inside go out at once", async () => {
  const { mem, tracer, byName } = setup();
  const trace = tracer.startTrace("rag");
  await trace.run(async () => {
    await tracer.span("retrieve", async (span) => {
      span.recordLLMCall({ model: "text-embedding-3-small", prompt_tokens: 12 });
    });
    tracer.recordLLMCall({ name: "answer", model: "gpt-4o", prompt_tokens: 1 });
    await tracer.flush();
    assert.equal(mem.spans().length, 2, "a call does not wait for its parent to end");
  });
  trace.end("error");
  const s = await byName();
  const rag = s.get("rag") as Span;
  assert.equal(rag.parent_span_id, null);
  assert.equal(rag.model, null);
  assert.equal(rag.status, "error");
  assert.equal(rag.trace_id, trace.traceID());
  assert.equal(s.get("retrieve")?.parent_span_id, rag.span_id);
  assert.equal(s.get("answer")?.parent_span_id, rag.span_id);
});
