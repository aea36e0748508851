import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { Span } from "../../span/types.js";
import { message, messageEvents } from "../testing/anthropic-bodies.js";
import { json, sse, sseEvent, sseHead } from "../testing/fake-provider.js";
import { useTracedProvider } from "../testing/traced-provider.js";
import { createTracer } from "../tracer.js";
import { wrapAnthropic } from "./anthropic.js";

const sdk = useTracedProvider("chat-api");
let anthropic: Anthropic;
const MODEL = "claude-sonnet-4-6";
const USAGE = { input: 100, cacheWrite: 2000, cacheRead: 3000, output: 500 };
// claude-sonnet-4.6: $3/M input, $3.75/M 5-minute cache write, $0.30/M cache read, $15/M output
// 100*3 + 2000*3.75 + 3000*0.30 + 500*15 = 300 + 7500 + 900 + 7500 = 16 200 µ$
const COST = 0.0162;

beforeEach(() => {
  anthropic = wrapAnthropic(new Anthropic({ baseURL: sdk.fake.url, apiKey: "sk-ant-test", maxRetries: 0 }), {
    tracer: sdk.tracer,
  });
});

function assertCacheSpan(s: Span): void {
  assert.equal(s.model, MODEL);
  assert.equal(s.provider, "anthropic");
  assert.equal(s.prompt_tokens, 5100); // input + cache reads + cache writes
  assert.equal(s.cached_tokens, 3000);
  assert.equal(s.comp_tokens, 500);
  assert.equal(s.total_tokens, 5600);
  assert.equal(s.attributes["usage.cache_write_tokens"], 2000);
  assert.equal(s.cost_usd, COST);
}

describe("wrapAnthropic messages", () => {
  test("messages.create: cache reads and writes priced as Anthropic prices them", async () => {
    sdk.fake.next((_r, res) => json(res, 200, message("claude-sonnet-4-6-20260217", USAGE)));
    const msg = await sdk.tracer.trace("answer", () =>
      anthropic.messages.create({ model: MODEL, max_tokens: 1024, messages: [{ role: "user", content: "Hello" }] }),
    );
    assert.equal(msg.content[0].type === "text" && msg.content[0].text, "Hi! My name is Claude.");
    assert.equal(msg.usage.input_tokens, 100);
    const [s] = await sdk.spans();
    assertCacheSpan(s);
    assert.equal(s.status, "ok");
    assert.equal(s.name, "answer");
    assert.equal(s.caller, "chat-api");
  });

  test("streamed create: usage from message_start + message_delta, ttft on the first delta", async () => {
    sdk.fake.next((_r, res) => sse(res, messageEvents("claude-sonnet-4-6-20260217", USAGE, ["Hel", "lo"])));
    const stream = await anthropic.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hello" }],
      stream: true,
    });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    assert.equal(types.length, 7); // the client drops the ping event
    const [s] = await sdk.spans();
    assertCacheSpan(s);
    assert.ok(s.ttft_ms !== null && s.ttft_ms <= s.latency_ms);
    assert.equal(s.status, "ok");
  });

  test("messages.stream() helper goes through create and is recorded once", async () => {
    sdk.fake.next((_r, res) => sse(res, messageEvents("claude-sonnet-4-6-20260217", USAGE, ["a", "b", "c"])));
    const stream = anthropic.messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: "user", content: "x" }],
    });
    const final = await stream.finalMessage();
    assert.equal(final.usage.output_tokens, 500);
    const all = await sdk.spans();
    assert.equal(all.length, 1);
    assertCacheSpan(all[0]);
  });

  test("aborted stream keeps the input and cache tokens seen, status timeout", async () => {
    sdk.fake.next((_r, res) => {
      sseHead(res);
      for (const e of messageEvents("claude-sonnet-4-6-20260217", USAGE, ["a", "b"]).slice(0, 4))
        sseEvent(res, e.data, e.event);
    });
    const controller = new AbortController();
    const stream = await anthropic.messages.create(
      { model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "x" }], stream: true },
      { signal: controller.signal },
    );
    for await (const e of stream) if (e.type === "content_block_delta") controller.abort();
    const [s] = await sdk.spans();
    assert.equal(s.status, "timeout");
    assert.equal(s.prompt_tokens, 5100);
    assert.equal(s.cached_tokens, 3000);
    assert.equal(s.comp_tokens, 1); // message_start's output count
    assert.equal(s.attributes["usage.partial"], true);
  });

  test("overloaded error: Anthropic's error class reaches the caller, span status error", async () => {
    sdk.fake.next((_r, res) =>
      json(res, 529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
    );
    await assert.rejects(
      anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: "user", content: "x" }] }),
      (err: unknown) => err instanceof Anthropic.APIError && err.status === 529,
    );
    const [s] = await sdk.spans();
    assert.equal(s.status, "error");
    assert.equal(s.attributes["http.status_code"], 529);
  });

  test("an error event inside the stream is rethrown and recorded as error", async () => {
    sdk.fake.next((_r, res) => {
      sseHead(res);
      const [start] = messageEvents(MODEL, USAGE, []);
      sseEvent(res, start.data, start.event);
      sseEvent(res, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error");
      res.end();
    });
    const stream = await anthropic.messages.create({ model: MODEL, max_tokens: 8, messages: [], stream: true });
    await assert.rejects(async () => {
      for await (const _e of stream) {
        // consume
      }
    }, Anthropic.APIError);
    const [s] = await sdk.spans();
    assert.equal(s.status, "error");
    assert.equal(s.prompt_tokens, 5100);
  });

  test("pricing overrides win over the price table", async () => {
    const t = createTracer({
      transport: sdk.mem,
      pricing: {
        overrides: {
          [MODEL]: { input_per_mtok: 1, output_per_mtok: 2, cached_input_per_mtok: 0.1, cache_write_per_mtok: 1.5 },
        },
      },
    });
    const a = wrapAnthropic(new Anthropic({ baseURL: sdk.fake.url, apiKey: "k", maxRetries: 0 }), { tracer: t });
    sdk.fake.next((_r, res) => json(res, 200, message(MODEL, USAGE)));
    await a.messages.create({ model: MODEL, max_tokens: 8, messages: [] });
    await t.flush();
    // 100*1 + 2000*1.5 + 3000*0.1 + 500*2 = 4400 µ$
    assert.equal(sdk.mem.spans()[0].cost_usd, 0.0044);
    await t.shutdown();
  });
});
