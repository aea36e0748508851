// The real @langchain/core and @langchain/openai against the local fake OpenAI API: chat
// runs become LLM spans (model, tokens, cost, TTFT, errors); chains and tools group them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { json, sse } from "../testing/fake-provider.js";
import { chatChunks, chatCompletion } from "../testing/openai-bodies.js";
import { useTracedProvider } from "../testing/traced-provider.js";
import { TokentraceCallbackHandler } from "./langchain.js";

const sdk = useTracedProvider("rag-api");

function chat(opts: { streaming?: boolean; maxRetries?: number } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "test-key",
    configuration: { baseURL: `${sdk.fake.url}/v1` },
    maxRetries: opts.maxRetries ?? 0,
    streaming: opts.streaming ?? false,
  });
}

describe("TokentraceCallbackHandler with @langchain/core and @langchain/openai", () => {
  test("a chat model run is an LLM span with the model, tokens from usage_metadata and cost", async () => {
    sdk.fake.next((_r, res) =>
      json(res, 200, chatCompletion("gpt-4o-mini-2024-07-18", { prompt: 1000, completion: 200, cached: 400 })),
    );
    const handler = new TokentraceCallbackHandler({ tracer: sdk.tracer });
    const out = await chat().invoke("hi", { callbacks: [handler] });
    assert.equal(out.content, "Hello! How can I assist you today?");
    const [s, ...rest] = await sdk.spans();
    assert.equal(rest.length, 0);
    assert.equal(s.model, "gpt-4o-mini");
    assert.equal(s.provider, "openai");
    assert.equal(s.caller, "rag-api");
    assert.equal(s.prompt_tokens, 1000);
    assert.equal(s.comp_tokens, 200);
    assert.equal(s.cached_tokens, 400);
    assert.equal(s.status, "ok");
    // gpt-4o-mini: $0.15/M input, $0.075/M cached input, $0.60/M output: 600*0.15 + 400*0.075 + 200*0.6 = 240 µ$
    assert.equal(s.cost_usd, 0.00024);
    assert.equal(s.attributes["llm.response_model"], "gpt-4o-mini-2024-07-18");
    assert.equal(s.attributes["langchain.run_type"], "llm");
    assert.ok(s.latency_ms > 0);
  });

  test("chains and tools are parent spans of their calls: one trace, names and attributes inherited", async () => {
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o-mini", { prompt: 100, completion: 10 })));
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o-mini", { prompt: 300, completion: 30 })));
    const handler = new TokentraceCallbackHandler({ tracer: sdk.tracer });
    const model = chat();
    const lookup = tool(
      async ({ q }: { q: string }, config) => (await model.invoke(`look up ${q}`, config)).content as string,
      {
        name: "lookup",
        description: "looks things up",
        schema: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } as never,
      },
    );
    const chain = ChatPromptTemplate.fromTemplate("Answer: {question}")
      .pipe(model)
      .pipe(new StringOutputParser())
      .pipe(RunnableLambda.from(async (text: string, config) => lookup.invoke({ q: text }, config)))
      .withConfig({ runName: "answer-question" });
    await chain.invoke({ question: "why?" }, { callbacks: [handler] });
    const spans = await sdk.spans();
    assert.equal(new Set(spans.map((s) => s.trace_id)).size, 1, "one trace");
    const byName = new Map(spans.filter((s) => s.model === null).map((s) => [s.name, s]));
    const root = byName.get("answer-question");
    const lookupSpan = byName.get("lookup");
    assert.ok(root && lookupSpan, "the chain and the tool are stored as spans");
    assert.equal(root.parent_span_id, null);
    assert.equal(root.cost_usd, null, "a grouping span has no cost of its own");
    assert.equal(lookupSpan.attributes["langchain.run_type"], "tool");
    assert.equal(lookupSpan.parent_span_id, byName.get("RunnableLambda")?.span_id);
    const [first, second] = spans.filter((s) => s.model !== null).sort((a, b) => a.prompt_tokens - b.prompt_tokens);
    assert.equal(first.parent_span_id, root.span_id);
    assert.equal(second.parent_span_id, lookupSpan.span_id);
    assert.equal(first.attributes["langchain.chain"], "answer-question");
    assert.equal(second.attributes["langchain.tool"], "lookup");
    assert.equal(first.cost_usd, 0.000021);
    assert.equal(second.cost_usd, 0.000063);
  });

  test("streaming: tokens from the usage chunk and time to first token", async () => {
    sdk.fake.next((_r, res) =>
      sse(res, [
        ...chatChunks("gpt-4o-mini", ["Hel", "lo"], { prompt: 50, completion: 2 }).map((data) => ({ data })),
        { data: "[DONE]" },
      ]),
    );
    const handler = new TokentraceCallbackHandler({ tracer: sdk.tracer });
    let text = "";
    for await (const c of await chat({ streaming: true }).stream("hi", { callbacks: [handler] })) text += c.content;
    assert.equal(text, "Hello");
    const [s] = await sdk.spans();
    assert.equal(s.prompt_tokens, 50);
    assert.equal(s.comp_tokens, 2);
    assert.equal(typeof s.ttft_ms, "number");
    assert.ok((s.ttft_ms ?? -1) >= 0 && (s.ttft_ms ?? 0) <= s.latency_ms);
    const sent = sdk.fake.requests.at(-1)?.body;
    assert.equal(sent?.stream, true);
  });

  test("a provider error is an error span; the error still reaches the caller", async () => {
    sdk.fake.next((_r, res) => json(res, 400, { error: { message: "bad request", type: "invalid_request_error" } }));
    const handler = new TokentraceCallbackHandler({ tracer: sdk.tracer });
    await assert.rejects(chat().invoke("hi", { callbacks: [handler] }), /bad request/);
    const [s] = await sdk.spans();
    assert.equal(s.status, "error");
    assert.equal(s.model, "gpt-4o-mini");
    assert.equal(s.prompt_tokens, 0);
    assert.match(String(s.attributes["error.message"]), /bad request/);
  });

  test("a plain LLM run takes its tokens from llmOutput.tokenUsage", async () => {
    const { langchainUsage } = await import("./langchain.js");
    const u = langchainUsage({
      generations: [[{ text: "x" }]],
      llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 3 } },
    });
    assert.deepEqual(u, { prompt_tokens: 7, comp_tokens: 3 });
  });
});
