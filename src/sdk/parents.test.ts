// Spans take their parent from the context: the nearest enclosing span that is sent, even
// when that span gets its LLM data after the spans inside it have finished.
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

test("a span without LLM data is skipped in the chain: its spans go to the nearest sent ancestor", async () => {
  const { tracer, byName } = setup();
  await tracer.trace("agent", async (trace) => {
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10 });
    await tracer.span("tools", async () => {
      await tracer.span("search", async (inner) => {
        inner.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 3 });
      });
    });
  });
  const s = await byName();
  assert.equal(s.size, 2);
  assert.equal(s.get("search")?.parent_span_id, s.get("agent")?.span_id);
});

test("with no sent ancestor a span is a root; spans of an open span wait until it is known", async () => {
  const { mem, tracer, byName } = setup();
  const trace = tracer.startTrace("job");
  await trace.run(async () => {
    tracer.recordLLMCall({ name: "first", model: "gpt-4o", prompt_tokens: 1 });
    await tracer.flush();
    assert.equal(mem.spans().length, 0, "held until the trace's own status is known");
  });
  trace.end();
  const s = await byName();
  assert.equal(s.get("first")?.parent_span_id, null);
});
