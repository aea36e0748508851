import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { DEFAULT_CONFIG } from "../config/types.js";
import { makeTestApp, type TestApp } from "../server/testing/app.js";
import { contentOfOtlpSpan } from "./content.js";
import { encodeExportRequest } from "./proto.js";
import type { OtlpEvent, OtlpSpan, OtlpValue } from "./read.js";

function span(attributes: Record<string, OtlpValue>, events?: OtlpEvent[]): OtlpSpan {
  return {
    traceId: "5b8efff798038103d269b633813fc60c",
    spanId: "eee19b7ec3c1b174",
    parentSpanId: "",
    name: "chat",
    kind: 3,
    startTimeUnixNano: 1773584581441000000n,
    endTimeUnixNano: 1773584582681000000n,
    attributes,
    statusCode: 0,
    statusMessage: "",
    resource: {},
    scopeName: "",
    ...(events && { events }),
  };
}

const user = (content: string) => ({ role: "user", parts: [{ type: "text", content }] });

describe("contentOfOtlpSpan", () => {
  test("GenAI JSON attributes: input/output messages, system instructions, tool definitions", () => {
    const input = [
      user("hi"),
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "f", arguments: { a: 1 } }] },
    ];
    const output = [{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }];
    const c = contentOfOtlpSpan(
      span({
        "gen_ai.input.messages": JSON.stringify(input),
        "gen_ai.output.messages": JSON.stringify(output),
        "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "be brief" }]),
        "gen_ai.tool.definitions": JSON.stringify([{ type: "function", name: "f" }]),
      }),
    );
    assert.deepEqual(c, {
      input,
      output,
      system: [{ type: "text", content: "be brief" }],
      tools: [{ type: "function", name: "f" }],
    });
  });

  test("older indexed gen_ai.prompt.N / gen_ai.completion.N attributes, with tool calls", () => {
    const c = contentOfOtlpSpan(
      span({
        "gen_ai.prompt.0.role": "system",
        "gen_ai.prompt.0.content": "be brief",
        "gen_ai.prompt.1.role": "user",
        "gen_ai.prompt.1.content": "weather?",
        "gen_ai.prompt.2.role": "tool",
        "gen_ai.prompt.2.tool_call_id": "c1",
        "gen_ai.prompt.2.content": "21 C",
        "gen_ai.completion.0.role": "assistant",
        "gen_ai.completion.0.finish_reason": "tool_calls",
        "gen_ai.completion.0.tool_calls.0.id": "c2",
        "gen_ai.completion.0.tool_calls.0.name": "weather",
        "gen_ai.completion.0.tool_calls.0.arguments": '{"city":"Oslo"}',
      }),
    );
    assert.deepEqual(c?.input, [
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      user("weather?"),
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "21 C" }] },
    ]);
    assert.deepEqual(c?.output, [
      {
        role: "assistant",
        parts: [{ type: "tool_call", id: "c2", name: "weather", arguments: { city: "Oslo" } }],
        finish_reason: "tool_calls",
      },
    ]);
  });

  test("gen_ai.*.message and gen_ai.choice span events", () => {
    const c = contentOfOtlpSpan(
      span({}, [
        { name: "gen_ai.system.message", attributes: { content: "be brief" } },
        { name: "gen_ai.user.message", attributes: { content: "hi" } },
        { name: "gen_ai.tool.message", attributes: { id: "c1", content: "42" } },
        {
          name: "gen_ai.choice",
          attributes: { index: 0, finish_reason: "stop", message: { content: "hello", role: "assistant" } },
        },
      ]),
    );
    assert.deepEqual(c?.input, [
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      user("hi"),
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: 42 }] },
    ]);
    assert.deepEqual(c?.output, [
      { role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" },
    ]);
  });

  test("OpenInference llm.input_messages / llm.output_messages", () => {
    const c = contentOfOtlpSpan(
      span({
        "llm.input_messages.0.message.role": "user",
        "llm.input_messages.0.message.content": "hi",
        "llm.input_messages.1.message.role": "user",
        "llm.input_messages.1.message.contents.0.message_content.text": "part one",
        "llm.output_messages.0.message.role": "assistant",
        "llm.output_messages.0.message.tool_calls.0.tool_call.id": "t1",
        "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "search",
        "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"q":"x"}',
      }),
    );
    assert.deepEqual(c?.input, [user("hi"), user("part one")]);
    assert.deepEqual(c?.output, [
      { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "search", arguments: { q: "x" } }] },
    ]);
  });

  test("Vercel AI SDK ai.prompt.messages / ai.response.text", () => {
    const c = contentOfOtlpSpan(
      span({
        "ai.prompt.messages": JSON.stringify([
          { role: "system", content: "be brief" },
          { role: "user", content: [{ type: "text", text: "hi" }] },
        ]),
        "ai.response.text": "hello",
        "ai.response.finishReason": "stop",
      }),
    );
    assert.deepEqual(c, {
      input: [user("hi")],
      output: [{ role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" }],
      system: [{ type: "text", content: "be brief" }],
      tools: null,
    });
  });

  test("a span without content gives null", () => {
    assert.equal(contentOfOtlpSpan(span({ "gen_ai.request.model": "gpt-4o" })), null);
  });
});

describe("POST /v1/traces with content", () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [kv("service.name", "svc")] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: Buffer.from("5b8efff798038103d269b633813fc60c", "hex"),
                spanId: Buffer.from("eee19b7ec3c1b174", "hex"),
                name: "chat gpt-4o",
                startTimeUnixNano: "1773584581441000000",
                endTimeUnixNano: "1773584582681000000",
                attributes: [
                  kv("gen_ai.request.model", "gpt-4o"),
                  kv("gen_ai.input.messages", JSON.stringify([user("my key is sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAA")])),
                  kv("workflow", "support"),
                ],
                events: [
                  { name: "gen_ai.choice", attributes: [kv("finish_reason", "stop"), kv("message.content", "ok")] },
                ],
              },
            ],
          },
        ],
      },
    ],
  };

  async function send(content: Partial<typeof DEFAULT_CONFIG.content> = {}) {
    t = await makeTestApp(testConfig({}, { content: { ...DEFAULT_CONFIG.content, ...content } }));
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/traces",
      headers: { "content-type": "application/x-protobuf" },
      payload: Buffer.from(encodeExportRequest(body)),
    });
    assert.equal(res.statusCode, 200, res.body);
    return (await t.app.inject({ method: "GET", url: "/traces/5b8efff798038103d269b633813fc60c?content=1" })).json();
  }

  test("content (attributes and events) is redacted, stored apart, and not kept as span attributes", async () => {
    const trace = await send();
    const s = trace.spans[0];
    assert.deepEqual(s.content.input, [user("my key is [REDACTED:secret]")]);
    assert.deepEqual(s.content.output, [
      { role: "assistant", parts: [{ type: "text", content: "ok" }], finish_reason: "stop" },
    ]);
    assert.equal(s.attributes["gen_ai.input.messages"], undefined);
    assert.equal(s.attributes.workflow, "support");
    assert.equal(s.attributes["content.redactions"], 1);
  });

  test("content.enabled false: the span is stored, its content is not, and not as attributes either", async () => {
    const trace = await send({ enabled: false });
    const s = trace.spans[0];
    assert.equal(s.content, null);
    assert.equal(s.model, "gpt-4o");
    assert.equal(s.attributes["gen_ai.input.messages"], undefined);
  });
});
