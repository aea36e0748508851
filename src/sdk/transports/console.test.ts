import assert from "node:assert/strict";
import { test } from "node:test";
import { createTracer } from "../tracer.js";
import { ConsoleTransport } from "./console.js";
import { MemoryTransport } from "./memory.js";

test("ConsoleTransport prints one readable line per span, or JSON lines", async () => {
  const lines: string[] = [];
  const stream = { write: (s: string) => lines.push(s) };
  for (const json of [false, true]) {
    const tracer = createTracer({ service: "dev", transport: new ConsoleTransport({ stream, json }) });
    tracer.recordLLMCall({ name: "ask", model: "gpt-4o", prompt_tokens: 512, comp_tokens: 128, latency_ms: 1240 });
    tracer.recordLLMCall({ model: "mystery-model", prompt_tokens: 1, ttft_ms: 12 });
    await tracer.shutdown();
  }
  const text = lines.join("");
  assert.match(text, /^\[tokentrace\] ask model=gpt-4o tokens=512\+128 \$0\.002560 1240ms ok trace=[0-9a-f-]{36}$/m);
  assert.match(text, /mystery-model model=mystery-model tokens=1\+0 unpriced 0ms ttft=12ms ok/);
  const json = text.split("\n").filter((l) => l.startsWith("{"));
  assert.equal(json.length, 2);
  assert.equal(JSON.parse(json[0]).cost_usd, 0.00256);
  assert.equal(JSON.parse(json[0]).caller, "dev");
});

test("ConsoleTransport prints a grouping span (no LLM call) without model, tokens or cost", async () => {
  const lines: string[] = [];
  const tracer = createTracer({ transport: new ConsoleTransport({ stream: { write: (s: string) => lines.push(s) } }) });
  await tracer.trace("rag", async () => {});
  await tracer.shutdown();
  assert.match(lines.join(""), /^\[tokentrace\] rag \d+(\.\d+)?ms ok trace=[0-9a-f-]{36}$/m);
});

test("MemoryTransport keeps at most maxSpans, oldest out first", async () => {
  const mem = new MemoryTransport({ maxSpans: 3 });
  const tracer = createTracer({ transport: mem });
  for (let i = 1; i <= 5; i++) tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: i });
  await tracer.flush();
  assert.deepEqual(
    mem.spans().map((s) => s.prompt_tokens),
    [3, 4, 5],
  );
  mem.clear();
  assert.equal(mem.spans().length, 0);
  await tracer.shutdown();
});

test("MemoryTransport past its bound keeps the newest, in order, at any point of the ring", async () => {
  const mem = new MemoryTransport({ maxSpans: 4 });
  const tracer = createTracer({ transport: mem, flushIntervalMs: 60_000 });
  for (let i = 1; i <= 11; i++) {
    tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: i });
    await tracer.flush();
  }
  assert.deepEqual(
    mem.spans().map((s) => s.prompt_tokens),
    [8, 9, 10, 11],
  );
  await tracer.shutdown();
});
