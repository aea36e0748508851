// The real Vercel AI SDK (`ai`) with telemetry on, through the OpenTelemetry SDK and its
// OTLP/protobuf exporter, into a running `tokentrace serve`: the model call arrives with its
// model, provider, tokens and a cost computed from the price table, and the SDK's wrapper
// span (`ai.generateText`, which repeats the usage) is not counted a second time.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { generateText, streamText } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV3 } from "ai/test";
import type { ApiSpan } from "../../src/span/api.js";
import { makeTempDir, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

let server: ServeProcess;
let dir: string;
let provider: BasicTracerProvider;

before(async () => {
  dir = await makeTempDir();
  server = await startServe({ args: ["--storage-driver", "memory"], cwd: dir });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "next-app" }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
  });
});
after(async () => {
  await provider?.shutdown();
  await server?.stop();
  await removeDir(dir);
});

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

interface Metrics {
  span_count: number;
  cost: { total_usd: number };
  tokens: { prompt_total: number; completion_total: number };
}

async function llmSpans(functionId: string, want: number): Promise<ApiSpan[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${server.url}/traces?attr.ai.telemetry.functionId=${functionId}`);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { traces: { spans: ApiSpan[] }[] };
    const spans = body.traces.flatMap((t) => t.spans);
    if (spans.filter((s) => s.model !== null).length >= want) return spans;
    assert.ok(Date.now() < deadline, `no LLM span for ${functionId} after 15 s: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("generateText: model, provider, tokens and cost of the call; the wrapper span counted once", async () => {
  const model = new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: {
      content: [{ type: "text", text: "A short summary." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(1200, 300),
      warnings: [],
    },
  });
  const result = await generateText({
    model,
    prompt: "Summarize this document.",
    experimental_telemetry: { isEnabled: true, functionId: "summarize", tracer: provider.getTracer("ai") },
  });
  assert.equal(result.text, "A short summary.");
  await provider.forceFlush();

  const spans = await llmSpans("summarize", 1);
  const llm = spans.filter((s) => s.model !== null);
  assert.equal(llm.length, 1, JSON.stringify(spans.map((s) => [s.name, s.model])));
  const call = llm[0];
  assert.equal(call.name, "ai.generateText.doGenerate");
  assert.equal(call.model, "gpt-4o-mini");
  assert.equal(call.provider, "openai");
  assert.equal(call.caller, "next-app");
  assert.equal(call.prompt_tokens, 1200);
  assert.equal(call.comp_tokens, 300);
  assert.equal(call.status, "ok");
  // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens.
  assert.equal(call.cost_usd, 0.00036);
  // The ai.generateText wrapper is kept as a plain span (no context manager is registered
  // here, so it arrives as a trace of its own), and is not counted a second time below.
  const wrapper = spans.find((s) => s.name === "ai.generateText");
  assert.ok(wrapper, "the wrapper span is stored");
  assert.equal(wrapper.model, null);

  const m = (await (await fetch(`${server.url}/metrics?window=1h&model=gpt-4o-mini`)).json()) as Metrics;
  assert.equal(m.span_count, 1);
  assert.equal(m.tokens.prompt_total, 1200);
  assert.equal(m.tokens.completion_total, 300);
  assert.equal(m.cost.total_usd, 0.00036);
});

test("streamText: a streamed call arrives with its tokens, cost and time to first token", async () => {
  const model = new MockLanguageModelV3({
    provider: "anthropic.messages",
    modelId: "claude-sonnet-4-5",
    doStream: {
      stream: convertArrayToReadableStream([
        { type: "stream-start", warnings: [] },
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "Hello" },
        { type: "text-delta", id: "t", delta: " world" },
        { type: "text-end", id: "t" },
        { type: "finish", finishReason: { unified: "stop", raw: "end_turn" }, usage: usage(2000, 100) },
      ]),
    },
  });
  const result = streamText({
    model,
    prompt: "Say hello.",
    experimental_telemetry: { isEnabled: true, functionId: "greet", tracer: provider.getTracer("ai") },
  });
  assert.equal(await result.text, "Hello world");
  await provider.forceFlush();

  const llm = (await llmSpans("greet", 1)).filter((s) => s.model !== null);
  assert.equal(llm.length, 1);
  const call = llm[0];
  assert.equal(call.name, "ai.streamText.doStream");
  assert.equal(call.model, "claude-sonnet-4-5");
  assert.equal(call.provider, "anthropic");
  assert.equal(call.prompt_tokens, 2000);
  assert.equal(call.comp_tokens, 100);
  // claude-sonnet-4-5: $3 per million input tokens, $15 per million output tokens.
  assert.equal(call.cost_usd, 0.0075);
  assert.equal(typeof call.ttft_ms, "number");
});

test("telemetry metadata sessionId and userId: every span carries session_id and user_id; filters find them", async () => {
  const model = new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: {
      content: [{ type: "text", text: "Hi again." }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: usage(100, 10),
      warnings: [],
    },
  });
  await generateText({
    model,
    prompt: "Hello?",
    experimental_telemetry: {
      isEnabled: true,
      functionId: "chat-turn",
      metadata: { sessionId: "conv-77", userId: "user-1042" },
      tracer: provider.getTracer("ai"),
    },
  });
  await provider.forceFlush();

  const spans = await llmSpans("chat-turn", 1);
  assert.ok(spans.length >= 2, "the wrapper and the call");
  for (const s of spans) {
    assert.deepEqual([s.name, s.session_id, s.user_id], [s.name, "conv-77", "user-1042"]);
    assert.equal(s.attributes["ai.telemetry.metadata.userId"], undefined, "promoted, not kept twice");
  }
  const count = async (q: string) =>
    ((await (await fetch(`${server.url}/metrics/span_count?window=1h&${q}`)).json()) as { value: number }).value;
  assert.equal(await count("user_id=user-1042"), 1);
  assert.equal(await count("session_id=conv-77"), 1);
  const by = (await (await fetch(`${server.url}/metrics/span_count?window=1h&groupby=user_id`)).json()) as {
    by_user_id: Record<string, number>;
  };
  assert.equal(by.by_user_id["user-1042"], 1);
});
