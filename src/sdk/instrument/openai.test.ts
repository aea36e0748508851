import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { json, sse, sseEvent, sseHead } from "../testing/fake-provider.js";
import { chatChunks, chatCompletion } from "../testing/openai-bodies.js";
import { useTracedProvider, wrappedOpenAI } from "../testing/traced-provider.js";

const sdk = useTracedProvider("summarizer-service");
let openai: OpenAI;

beforeEach(() => {
  openai = wrappedOpenAI(sdk).openai;
});

describe("wrapOpenAI chat.completions.create", () => {
  test("plain call: tokens, cached tokens, cost, status, caller, nesting in the trace", async () => {
    sdk.fake.next((_r, res) =>
      json(res, 200, chatCompletion("gpt-4o-2024-08-06", { prompt: 2006, completion: 300, cached: 1920 })),
    );
    let traceId = "";
    const out = await sdk.tracer.trace("summarize-document", async (trace) => {
      traceId = trace.ID();
      return openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    });
    assert.equal(out.choices[0].message.content, "Hello! How can I assist you today?");
    assert.equal(out.usage?.total_tokens, 2306);
    const [root, s] = (await sdk.spans()).sort((a, b) => (a.model === null ? -1 : b.model === null ? 1 : 0));
    assert.equal(root.model, null, "the trace is a grouping span, the root of its trace");
    assert.equal(root.parent_span_id, null);
    assert.equal(s.trace_id, traceId);
    assert.equal(s.parent_span_id, root.span_id);
    assert.equal(s.name, "summarize-document");
    assert.equal(s.model, "gpt-4o");
    assert.equal(s.provider, "openai");
    assert.equal(s.prompt_tokens, 2006);
    assert.equal(s.comp_tokens, 300);
    assert.equal(s.total_tokens, 2306);
    assert.equal(s.cached_tokens, 1920);
    assert.equal(s.reasoning_tokens, 0);
    // gpt-4o: $2.50/M input, $1.25/M cached input, $10/M output: 86*2.5 + 1920*1.25 + 300*10 = 5615 µ$
    assert.equal(s.cost_usd, 0.005615);
    assert.equal(s.status, "ok");
    assert.equal(s.caller, "summarizer-service");
    assert.equal(s.ttft_ms, null);
    assert.ok(s.latency_ms > 0);
    assert.equal(s.attributes["llm.operation"], "chat.completions.create");
    assert.equal(s.attributes["llm.response_model"], "gpt-4o-2024-08-06");
  });

  test("the client's own return value is kept: withResponse, request id, identical body", async () => {
    const body = chatCompletion("gpt-4o-mini", { prompt: 1000, completion: 200 });
    sdk.fake.next((_r, res) => json(res, 200, body));
    const p = openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
    assert.equal(typeof p.withResponse, "function");
    const { data, response, request_id } = await p.withResponse();
    assert.equal(response.status, 200);
    assert.equal(request_id, "req_test123");
    assert.deepEqual(JSON.parse(JSON.stringify(data)), body);
    const [s] = await sdk.spans();
    assert.equal(s.cost_usd, 0.00027); // 1000*0.15 + 200*0.60 = 270 µ$
    assert.equal(s.name, "gpt-4o-mini"); // outside a trace: named after the model
  });

  test("streaming: include_usage is requested, the extra chunk hidden, usage and ttft recorded", async () => {
    sdk.fake.next((req, res) => {
      const opts = req.body.stream_options as { include_usage?: boolean } | undefined;
      sse(res, [
        ...chatChunks(
          "gpt-4o-mini",
          ["Hel", "lo", "!"],
          opts?.include_usage ? { prompt: 1000, completion: 200, cached: 0 } : null,
        ).map((data) => ({ data })),
        { data: "[DONE]" },
      ]);
    });
    const stream = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const seen: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    let text = "";
    for await (const chunk of stream) {
      seen.push(chunk);
      text += chunk.choices[0].delta.content ?? "";
    }
    assert.equal(text, "Hello!");
    assert.equal(seen.length, 5); // role, 3 words, finish: no usage-only chunk
    assert.ok(seen.every((c) => !("usage" in c)));
    assert.deepEqual(sdk.fake.requests.at(-1)?.body.stream_options, { include_usage: true });
    const [s] = await sdk.spans();
    assert.equal(s.prompt_tokens, 1000);
    assert.equal(s.comp_tokens, 200);
    assert.equal(s.cost_usd, 0.00027);
    assert.equal(s.status, "ok");
    assert.equal(s.attributes["llm.stream"], true);
    assert.ok(s.ttft_ms !== null && s.ttft_ms > 0 && s.ttft_ms <= s.latency_ms);
  });

  test("streaming with include_usage asked by the caller: the caller sees the usage chunk", async () => {
    sdk.fake.next((_req, res) =>
      sse(res, [
        ...chatChunks("gpt-4o", ["a"], { prompt: 10, completion: 1 }).map((data) => ({ data })),
        { data: "[DONE]" },
      ]),
    );
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const seen = [];
    for await (const c of stream) seen.push(c);
    assert.equal(seen.at(-1)?.usage?.prompt_tokens, 10);
    const [s] = await sdk.spans();
    assert.equal(s.total_tokens, 11);
  });

  test("aborted stream: status timeout, partial usage kept, the caller's loop ends normally", async () => {
    sdk.fake.next((_req, res) => {
      sseHead(res);
      for (const c of chatChunks("gpt-4o", ["one", "two", "three"], null).slice(0, 4)) sseEvent(res, c);
      // then the model stalls: no more chunks until the client gives up
    });
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: controller.signal },
    );
    let n = 0;
    for await (const _chunk of stream) {
      if (++n === 4) controller.abort();
    }
    const [s] = await sdk.spans();
    assert.equal(s.status, "timeout");
    assert.equal(s.comp_tokens, 3); // three content chunks seen
    assert.equal(s.attributes["usage.partial"], true);
    assert.ok(s.ttft_ms !== null);
  });

  test("a break out of the stream ends the span once, as timeout", async () => {
    sdk.fake.next((_req, res) => {
      sseHead(res);
      for (const c of chatChunks("gpt-4o", ["one", "two"], null).slice(0, 3)) sseEvent(res, c);
    });
    const stream = await openai.chat.completions.create({ model: "gpt-4o", messages: [], stream: true });
    for await (const c of stream) {
      if (c.choices[0].delta.content === "one") break;
    }
    const all = await sdk.spans();
    assert.equal(all.length, 1);
    assert.equal(all[0].status, "timeout");
    assert.equal(all[0].comp_tokens, 1);
  });

  test("failing call: the client's error class is thrown unchanged, span status error", async () => {
    sdk.fake.next((_r, res) => json(res, 500, { error: { message: "The server had an error", type: "server_error" } }));
    await assert.rejects(
      openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] }),
      (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 500,
    );
    sdk.fake.next((_r, res) => json(res, 400, { error: { message: "bad model", type: "invalid_request_error" } }));
    await assert.rejects(
      openai.chat.completions.create({ model: "gpt-4o", messages: [] }),
      (err: unknown) => err instanceof OpenAI.BadRequestError,
    );
    const [a, b] = await sdk.spans();
    assert.equal(a.status, "error");
    assert.equal(a.attributes["http.status_code"], 500);
    assert.equal(a.prompt_tokens, 0);
    assert.equal(a.cost_usd, 0);
    assert.equal(b.status, "error");
    assert.equal(b.attributes["error.type"], "BadRequestError");
  });

  test("aborted request: APIUserAbortError reaches the caller, span status timeout", async () => {
    sdk.fake.next(() => {
      /* never answers */
    });
    const controller = new AbortController();
    const p = openai.chat.completions.create({ model: "gpt-4o", messages: [] }, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(p, (err: unknown) => err instanceof OpenAI.APIUserAbortError);
    const [s] = await sdk.spans();
    assert.equal(s.status, "timeout");
  });
});
