// Responses, embeddings, the helpers built on create, and what the wrapped client keeps.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { json, sse } from "../testing/fake-provider.js";
import {
  chatChunks,
  chatCompletion,
  embeddingBody,
  responseObject,
  responsesUsageBody,
} from "../testing/openai-bodies.js";
import { useTracedProvider, wrappedOpenAI } from "../testing/traced-provider.js";
import { createTracer } from "../tracer.js";
import { wrapOpenAI } from "./openai.js";

const sdk = useTracedProvider("summarizer-service");
let raw: OpenAI;
let openai: OpenAI;

beforeEach(() => {
  ({ raw, openai } = wrappedOpenAI(sdk));
});

describe("wrapOpenAI responses and embeddings", () => {
  test("responses.create with reasoning tokens (o4-mini)", async () => {
    sdk.fake.next((_r, res) =>
      json(res, 200, responseObject("o4-mini-2025-04-16", responsesUsageBody(1000, 2000, 0, 1500))),
    );
    const r = await openai.responses.create({ model: "o4-mini", input: "Write a haiku" });
    assert.equal(r.output_text, "In a peaceful grove beneath a silver moon...");
    const [s] = await sdk.spans();
    assert.equal(s.prompt_tokens, 1000);
    assert.equal(s.comp_tokens, 2000);
    assert.equal(s.reasoning_tokens, 1500);
    // o4-mini: $1.10/M input, $4.40/M output (reasoning billed as output): 1100 + 8800 µ$
    assert.equal(s.cost_usd, 0.0099);
  });

  test("responses.create streamed: ttft from the first delta, usage from response.completed", async () => {
    const usage = responsesUsageBody(500, 100, 400, 0);
    sdk.fake.next((_r, res) =>
      sse(res, [
        {
          event: "response.created",
          data: {
            type: "response.created",
            sequence_number: 0,
            response: responseObject("gpt-4o", null, "in_progress"),
          },
        },
        {
          event: "response.output_text.delta",
          data: {
            type: "response.output_text.delta",
            sequence_number: 1,
            item_id: "msg_1",
            output_index: 0,
            content_index: 0,
            delta: "Hi",
          },
        },
        {
          event: "response.completed",
          data: { type: "response.completed", sequence_number: 2, response: responseObject("gpt-4o", usage) },
        },
      ]),
    );
    const stream = await openai.responses.create({ model: "gpt-4o", input: "hi", stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    assert.deepEqual(types, ["response.created", "response.output_text.delta", "response.completed"]);
    const [s] = await sdk.spans();
    assert.equal(s.cached_tokens, 400);
    // 100*2.5 + 400*1.25 + 100*10 = 1750 µ$
    assert.equal(s.cost_usd, 0.00175);
    assert.ok(s.ttft_ms !== null);
  });

  test("embeddings.create: prompt tokens only", async () => {
    sdk.fake.next((_r, res) => json(res, 200, embeddingBody("text-embedding-3-small", 1000)));
    const e = await openai.embeddings.create({
      model: "text-embedding-3-small",
      input: "hello",
      encoding_format: "float",
    });
    assert.equal(e.data[0].embedding.length, 3);
    const [s] = await sdk.spans();
    assert.equal(s.prompt_tokens, 1000);
    assert.equal(s.comp_tokens, 0);
    assert.equal(s.cost_usd, 0.00002); // $0.02/M
  });
});

describe("wrapOpenAI helpers that call create internally", () => {
  test("chat.completions.stream() and .parse() are recorded once each", async () => {
    sdk.fake.next((_r, res) =>
      sse(res, [
        ...chatChunks("gpt-4o", ["Hi", "!"], { prompt: 20, completion: 2 }).map((data) => ({ data })),
        { data: "[DONE]" },
      ]),
    );
    const runner = openai.chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    const final = await runner.finalChatCompletion();
    assert.equal(final.choices[0].message.content, "Hi!");
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o-mini", { prompt: 7, completion: 3 })));
    const parsed = await openai.chat.completions.parse({ model: "gpt-4o-mini", messages: [] });
    assert.equal(parsed.choices[0].message.content, "Hello! How can I assist you today?");
    const all = await sdk.spans();
    assert.deepEqual(
      all.map((s) => [s.model, s.total_tokens, s.attributes["llm.stream"] ?? false]),
      [
        ["gpt-4o", 22, true],
        ["gpt-4o-mini", 10, false],
      ],
    );
    assert.ok(all[0].ttft_ms !== null);
  });
});

test("responses.stream() is recorded with usage and ttft", async () => {
  sdk.fake.next((_r, res) =>
    sse(res, [
      {
        event: "response.created",
        data: { type: "response.created", sequence_number: 0, response: responseObject("gpt-4o", null, "in_progress") },
      },
      {
        event: "response.output_text.delta",
        data: {
          type: "response.output_text.delta",
          sequence_number: 1,
          item_id: "m",
          output_index: 0,
          content_index: 0,
          delta: "Hi",
        },
      },
      {
        event: "response.completed",
        data: {
          type: "response.completed",
          sequence_number: 2,
          response: responseObject("gpt-4o", responsesUsageBody(30, 4, 0, 0)),
        },
      },
    ]),
  );
  const stream = openai.responses.stream({ model: "gpt-4o", input: "hi" });
  const final = await stream.finalResponse();
  assert.equal(final.usage?.total_tokens, 34);
  const [s] = await sdk.spans();
  assert.equal(s.total_tokens, 34);
  assert.ok(s.ttft_ms !== null);
});

describe("wrapOpenAI plumbing", () => {
  test("the wrapped client keeps its class, resources and other methods", async () => {
    assert.ok(openai instanceof OpenAI);
    assert.equal(openai.chat, openai.chat);
    assert.equal(openai.chat.completions.create, openai.chat.completions.create);
    assert.equal(openai.baseURL, `${sdk.fake.url}/v1`);
    sdk.fake.next((_r, res) =>
      json(res, 200, { object: "list", data: [{ id: "gpt-4o", object: "model", created: 1, owned_by: "openai" }] }),
    );
    const models = await openai.models.list();
    assert.equal(models.data[0].id, "gpt-4o");
    assert.equal(wrapOpenAI(openai, { tracer: sdk.tracer }), openai);
    assert.equal((await sdk.spans()).length, 0);
  });

  test("with a disabled tracer the call goes straight through and nothing is recorded", async () => {
    const off = createTracer({});
    const plain = wrapOpenAI(raw, { tracer: off });
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 1, completion: 1 })));
    const r = await plain.chat.completions.create({ model: "gpt-4o", messages: [] });
    assert.equal(r.usage?.total_tokens, 2);
    assert.equal((await sdk.spans()).length, 0);
  });

  test("nested spans: a call inside a span with LLM data takes it as parent, the trace is the root", async () => {
    sdk.fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 10, completion: 5 })));
    let stepId = "";
    await sdk.tracer.trace("agent", async (trace) => {
      trace.setAttributes({ request_id: "abc123" });
      await trace.span("plan", async (step) => {
        stepId = step.ID();
        step.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 5, comp_tokens: 5 });
        step.setAttributes({ step: 1 });
        await openai.chat.completions.create({ model: "gpt-4o", messages: [] });
      });
    });
    const all = await sdk.spans();
    const inner = all.find((s) => s.model === "gpt-4o");
    const step = all.find((s) => s.model === "gpt-4o-mini");
    const agent = all.find((s) => s.name === "agent");
    assert.ok(inner && step && agent);
    assert.equal(step.span_id, stepId);
    assert.equal(agent.parent_span_id, null);
    assert.equal(step.parent_span_id, agent.span_id);
    assert.equal(inner.parent_span_id, stepId);
    assert.equal(inner.trace_id, step.trace_id);
    assert.equal(inner.name, "plan");
    assert.equal(inner.attributes.request_id, "abc123");
    assert.equal(inner.attributes.step, 1);
    assert.ok(step.latency_ms >= inner.latency_ms);
  });
});
