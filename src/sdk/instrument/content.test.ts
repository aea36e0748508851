import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type ContentSpan, withContentCapture } from "../content.js";
import { message } from "../testing/anthropic-bodies.js";
import { type FakeProvider, json, sse, startFakeProvider } from "../testing/fake-provider.js";
import { chatChunks, chatCompletion, responseObject, responsesUsageBody } from "../testing/openai-bodies.js";
import { createTracer } from "../tracer.js";
import { MemoryTransport } from "../transports/memory.js";
import type { TracerConfig } from "../types.js";
import { toWireSpan } from "../wire.js";
import { wrapAnthropic } from "./anthropic.js";
import { wrapOpenAI } from "./openai.js";

let fake: FakeProvider;
before(async () => {
  fake = await startFakeProvider();
});
after(() => fake.close());

async function traced(config: Partial<TracerConfig> = {}, wrap: { captureContent?: boolean } = {}) {
  const mem = new MemoryTransport();
  const tracer = createTracer({ transport: mem, flushIntervalMs: 60_000, ...config });
  const opts = { tracer, ...wrap };
  const openai = wrapOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "sk-test", maxRetries: 0 }), opts);
  const anthropic = wrapAnthropic(new Anthropic({ baseURL: fake.url, apiKey: "k", maxRetries: 0 }), opts);
  return {
    openai,
    anthropic,
    async spans(): Promise<ContentSpan[]> {
      await tracer.flush();
      await tracer.shutdown();
      return mem.spans();
    },
  };
}

const MESSAGES = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Weather in Paris? mail me at bob@example.com" },
  {
    role: "assistant" as const,
    content: null,
    tool_calls: [
      { id: "call_1", type: "function" as const, function: { name: "weather", arguments: '{"city":"Paris"}' } },
    ],
  },
  { role: "tool" as const, tool_call_id: "call_1", content: "21 C" },
];

describe("content capture", () => {
  test("off by default: no content, no parameters", async () => {
    const t = await traced();
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 10, completion: 5 })));
    await t.openai.chat.completions.create({ model: "gpt-4o", messages: MESSAGES, temperature: 0.2 });
    const [s] = await t.spans();
    assert.equal(s.content, undefined);
    assert.equal(s.attributes["gen_ai.request.temperature"], undefined);
    assert.equal(toWireSpan(s).input, undefined);
  });

  test("OpenAI chat: messages with tool calls and results, output, parameters, tools, SDK redaction", async () => {
    const t = await traced({ captureContent: true, redact: ["email"] });
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 10, completion: 5 })));
    const tools = [{ type: "function" as const, function: { name: "weather", parameters: { type: "object" } } }];
    await t.openai.chat.completions.create({
      model: "gpt-4o",
      messages: MESSAGES,
      temperature: 0.2,
      max_tokens: 50,
      top_p: 0.9,
      tools,
    });
    const [s] = await t.spans();
    assert.deepEqual(s.content, {
      input: [
        { role: "system", parts: [{ type: "text", content: "You are terse." }] },
        { role: "user", parts: [{ type: "text", content: "Weather in Paris? mail me at [REDACTED:email]" }] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_1", name: "weather", arguments: { city: "Paris" } }],
        },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: "21 C" }] },
      ],
      output: [
        {
          role: "assistant",
          parts: [{ type: "text", content: "Hello! How can I assist you today?" }],
          finish_reason: "stop",
        },
      ],
      system: null,
      tools,
    });
    assert.equal(s.attributes["gen_ai.request.temperature"], 0.2);
    assert.equal(s.attributes["gen_ai.request.max_tokens"], 50);
    assert.equal(s.attributes["gen_ai.request.top_p"], 0.9);
    assert.equal(s.attributes["content.redactions"], 1);
    const w = toWireSpan(s);
    assert.deepEqual([w.input, w.output, w.tools], [s.content?.input, s.content?.output, tools]);
  });

  test("OpenAI chat streamed: the assembled text and tool calls", async () => {
    const t = await traced({ captureContent: true });
    const chunks = chatChunks("gpt-4o", ["Hel", "lo"], { prompt: 5, completion: 2 }) as Record<string, unknown>[];
    const call = (index: number, delta: Record<string, unknown>, finish: string | null = null) => ({
      ...chunks[0],
      choices: [{ index: 0, delta: { tool_calls: [{ index, ...delta }] }, finish_reason: finish }],
    });
    const toolChunks = [
      call(0, { id: "call_9", type: "function", function: { name: "look", arguments: '{"q":' } }),
      call(0, { function: { arguments: '"zx"}' } }),
    ];
    const events = [...chunks.slice(0, 3), ...toolChunks, ...chunks.slice(3)].map((data) => ({ data }));
    fake.next((_r, res) => sse(res, [...events, { data: "[DONE]" }]));
    const stream = await t.openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    for await (const _ of stream) {
      // read to the end
    }
    const [s] = await t.spans();
    assert.deepEqual(s.content?.output, [
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Hello" },
          { type: "tool_call", id: "call_9", name: "look", arguments: { q: "zx" } },
        ],
        finish_reason: "stop",
      },
    ]);
  });

  test("OpenAI responses: instructions, input items and output", async () => {
    const t = await traced({ captureContent: { maxChars: 10 } });
    fake.next((_r, res) => json(res, 200, responseObject("gpt-4.1", responsesUsageBody(5, 3, 0, 0))));
    await t.openai.responses.create({ model: "gpt-4.1", instructions: "Be brief.", input: "Tell me a long story" });
    const [s] = await t.spans();
    assert.deepEqual(s.content?.system, [{ type: "text", content: "Be brief." }]);
    assert.deepEqual(s.content?.input, [
      { role: "user", parts: [{ type: "text", content: "Tell me a …[truncated 10 chars]" }] },
    ]);
    assert.equal(s.content?.output?.[0].role, "assistant");
    assert.equal(s.content?.output?.[0].finish_reason, "stop");
  });

  test("Anthropic messages: system, tool use and results, output blocks, streamed", async () => {
    const t = await traced({ captureContent: true });
    fake.next((_r, res) => json(res, 200, message("claude-sonnet-4-6", { input: 10, output: 5 })));
    await t.anthropic.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      temperature: 0,
      system: "You are terse.",
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: [{ type: "tool_use", id: "tu_1", name: "weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "tu_1", content: "21 C" }] },
      ],
    });
    const events = [
      {
        event: "message_start",
        data: {
          type: "message_start",
          message: { ...message("claude-sonnet-4-6", { input: 10, output: 1 }), content: [] },
        },
      },
      {
        event: "content_block_start",
        data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Let me " } },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "check." } },
      },
      {
        event: "content_block_start",
        data: {
          type: "content_block_start",
          index: 1,
          content_block: { type: "tool_use", id: "tu_2", name: "weather", input: {} },
        },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Oslo"}' } },
      },
      {
        event: "message_delta",
        data: { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
      },
      { event: "message_stop", data: { type: "message_stop" } },
    ];
    fake.next((_r, res) => sse(res, events));
    const stream = await t.anthropic.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      messages: [{ role: "user", content: "Oslo?" }],
      stream: true,
    });
    for await (const _ of stream) {
      // read to the end
    }
    const [plain, streamed] = await t.spans();
    assert.deepEqual(plain.content, {
      input: [
        { role: "user", parts: [{ type: "text", content: "weather?" }] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "tu_1", name: "weather", arguments: { city: "Paris" } }],
        },
        { role: "user", parts: [{ type: "tool_call_response", id: "tu_1", response: "21 C" }] },
      ],
      output: [
        { role: "assistant", parts: [{ type: "text", content: "Hi! My name is Claude." }], finish_reason: "stop" },
      ],
      system: [{ type: "text", content: "You are terse." }],
      tools: null,
    });
    assert.equal(plain.attributes["gen_ai.request.max_tokens"], 100);
    assert.equal(plain.attributes["gen_ai.request.temperature"], 0);
    assert.deepEqual(streamed.content?.output, [
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Let me check." },
          { type: "tool_call", id: "tu_2", name: "weather", arguments: { city: "Oslo" } },
        ],
        finish_reason: "tool_call",
      },
    ]);
  });

  test("per-client and per-call overrides; a throwing redact hook never reaches the app", async () => {
    const off = await traced({ captureContent: true }, { captureContent: false });
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 1, completion: 1 })));
    await off.openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] });
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 1, completion: 1 })));
    await withContentCapture(true, () =>
      off.openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "y" }] }),
    );
    const [a, b] = await off.spans();
    assert.equal(a.content, undefined);
    assert.equal(b.content?.input?.[0].parts[0].type, "text");

    const hooked = await traced({
      captureContent: true,
      redact: [
        (text) => text.replaceAll("Paris", "[CITY]"),
        () => {
          throw new Error("hook bug");
        },
      ],
    });
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 1, completion: 1 })));
    const out = await hooked.openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Paris" }],
    });
    assert.equal(out.choices[0].message.content, "Hello! How can I assist you today?");
    const spans = await hooked.spans();
    // the span is still recorded, without the content the hook could not clean
    assert.equal(spans.length, 1);
    assert.equal(spans[0].content, undefined);
    assert.equal(spans[0].attributes["content.dropped"], "redaction failed");
  });

  test("createTracer refuses bad redact rules", () => {
    assert.throws(
      () => createTracer({ transport: new MemoryTransport(), captureContent: true, redact: ["emial" as "email"] }),
      /redact\[0\]: unknown preset "emial"/,
    );
  });
});
