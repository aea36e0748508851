import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { DEFAULT_CONFIG } from "../config/types.js";
import { createRuntime } from "../server/runtime.js";
import { FIXED_NOW, makeTestApp, type TestApp } from "../server/testing/app.js";
import { parseSpans } from "../span/normalize.js";
import { MemoryStore } from "../store/memory/memory-store.js";

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const TRACE = "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c";
const at = (min: number) => new Date(FIXED_NOW - min * 60_000).toISOString();

function span(o: Record<string, unknown> = {}) {
  return { trace_id: TRACE, model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, started_at: at(5), ...o };
}

async function app(content: Partial<typeof DEFAULT_CONFIG.content> = {}) {
  t = await makeTestApp(testConfig({}, { content: { ...DEFAULT_CONFIG.content, ...content } }));
  return t;
}

async function post(body: unknown) {
  return (t as TestApp).app.inject({ method: "POST", url: "/spans", payload: body as object });
}

async function get(url: string) {
  const res = await (t as TestApp).app.inject({ method: "GET", url });
  return { status: res.statusCode, body: res.json() };
}

test("content sent on POST /spans comes back only with ?content=1, in the GenAI shape", async () => {
  await app();
  const input = [
    { role: "user", parts: [{ type: "text", content: "weather in Paris?" }] },
    { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "weather", arguments: { city: "Paris" } }] },
    { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "21 °C" }] },
  ];
  const res = await post([span({ span_id: "a1b2c3d4e5f60718", input, output: "Sunny, 21 °C.", system: "Be brief." })]);
  assert.equal(res.statusCode, 202, res.body);
  const plain = await get(`/traces/${TRACE}`);
  assert.equal(plain.body.spans[0].content, undefined);
  assert.equal(plain.body.spans[0].attributes["content.redactions"], undefined);
  const full = await get(`/traces/${TRACE}?content=1`);
  assert.deepEqual(full.body.spans[0].content, {
    system: [{ type: "text", content: "Be brief." }],
    input,
    output: [{ role: "assistant", parts: [{ type: "text", content: "Sunny, 21 °C." }] }],
    tools: null,
    redactions: 0,
    truncated_bytes: 0,
  });
  assert.equal((await get(`/traces/${TRACE}?content=yes`)).status, 400);
});

test("a span without content has content: null; the spans table holds no content", async () => {
  await app();
  await post([span({ span_id: "a1b2c3d4e5f60718" })]);
  const full = await get(`/traces/${TRACE}?content=1`);
  assert.equal(full.body.spans[0].content, null);
  const stored = (t as TestApp).store.spans[0] as unknown as Record<string, unknown>;
  assert.equal(stored.input, undefined);
});

test("the server redacts secrets by default and counts redactions on the span", async () => {
  await app();
  const key = `sk-proj-${"A1b2C3d4".repeat(4)}`;
  await post([
    span({ input: `my key is ${key}, mail me at bob@example.com`, attributes: { "content.redactions": 2 } }),
  ]);
  const full = await get(`/traces/${TRACE}?content=1`);
  const s = full.body.spans[0];
  assert.equal(s.content.input[0].parts[0].content, "my key is [REDACTED:secret], mail me at bob@example.com");
  // 2 counted by the SDK before sending + 1 here
  assert.equal(s.content.redactions, 3);
  assert.equal(s.attributes["content.redactions"], 3);
});

test("content.redact rules from the config: presets and custom patterns", async () => {
  await app({ redact: ["email", "credit_card", { pattern: "ORD-\\d+", replacement: "[ORDER]" }] });
  await post([span({ input: "bob@example.com paid 4111 1111 1111 1111 for ORD-991, not 4111 1111 1111 1112" })]);
  const s = (await get(`/traces/${TRACE}?content=1`)).body.spans[0];
  assert.equal(
    s.content.input[0].parts[0].content,
    "[REDACTED:email] paid [REDACTED:credit_card] for [ORDER], not 4111 1111 1111 1112",
  );
  assert.equal(s.attributes["content.redactions"], 3);
});

test("content over content.max_bytes is cut with a marker and the cut is counted", async () => {
  await app({ max_bytes: 2000 });
  const long = "x".repeat(5000);
  await post([span({ input: [{ role: "user", parts: [{ type: "text", content: long }] }], output: "short answer" })]);
  const s = (await get(`/traces/${TRACE}?content=1`)).body.spans[0];
  assert.ok(Buffer.byteLength(JSON.stringify(s.content.input.concat(s.content.output))) <= 2000);
  const text: string = s.content.input[0].parts[0].content;
  assert.match(text, /^x+…\[truncated \d+ bytes\]$/);
  assert.equal(s.content.output[0].parts[0].content, "short answer");
  assert.ok(s.content.truncated_bytes >= 3000);
  assert.equal(s.attributes["content.truncated_bytes"], s.content.truncated_bytes);
});

test("content.enabled false drops content at ingest and keeps spans and costs", async () => {
  await app({ enabled: false });
  const res = await post([span({ cost_usd: 0.25, input: "secret plans", output: { not: "even checked" } })]);
  assert.equal(res.statusCode, 202, res.body);
  const s = (await get(`/traces/${TRACE}?content=1`)).body;
  assert.equal(s.total_cost_usd, 0.25);
  assert.equal(s.spans[0].content, null);
  assert.deepEqual(await (t as TestApp).store.content.getContent(TRACE), []);
});

test("malformed content is a 400 naming the span and field, and nothing is stored", async () => {
  await app();
  const cases: [unknown, RegExp][] = [
    [{ input: 5 }, /spans\[1\]\.input: must be a list of messages/],
    [{ input: [{ parts: [] }] }, /spans\[1\]\.input\[0\]\.role: must be a non-empty string/],
    [
      { output: [{ role: "assistant", parts: [{ type: "text" }] }] },
      /spans\[1\]\.output\[0\]\.parts\[0\]\.content: must be a string/,
    ],
    [{ system: [{ content: "x" }] }, /spans\[1\]\.system\[0\]\.type/],
    [{ tools: "all" }, /spans\[1\]\.tools: must be a list/],
  ];
  for (const [extra, message] of cases) {
    const res = await post([span({ input: "fine" }), span(extra as Record<string, unknown>)]);
    assert.equal(res.statusCode, 400, JSON.stringify(extra));
    assert.match(res.json().error, message);
  }
  assert.equal((t as TestApp).store.spans.length, 0);
  assert.deepEqual(await (t as TestApp).store.content.getContent(TRACE), []);
});

test("content in an array body follows the text rule: a NUL or lone surrogate is a 400, a written \\u is text", async () => {
  await app();
  const bad: [Record<string, unknown>, string][] = [
    [{ input: [{ role: "user", parts: ["hi\u0000"] }] }, "spans[1].input[0].parts[0]: contains a NUL character"],
    [{ output: "o\udc00" }, "spans[1].output: contains a lone surrogate (\\udc00)"],
  ];
  for (const [extra, message] of bad) {
    const res = await post([span({ input: "fine" }), span(extra)]);
    assert.equal(res.statusCode, 400, JSON.stringify(extra));
    assert.ok(res.json().error.startsWith(message), res.json().error);
  }
  assert.equal((t as TestApp).store.spans.length, 0);
  // a backslash followed by "u0000" in the text itself, and an emoji (a surrogate pair), are fine
  const text = "path C:\\users\\u0000dir \u{1F600}";
  const res = await post([span({ input: "fine" }), span({ span_id: "00000000000000b2", output: text })]);
  assert.equal(res.statusCode, 202, res.body);
  const rows = await (t as TestApp).store.content.getContent(TRACE);
  assert.deepEqual(rows.find((r) => r.span_id === "00000000000000b2")?.output, [
    { role: "assistant", parts: [{ type: "text", content: text }] },
  ]);
});

test("GET /traces?q= finds traces by content within a bounded window", async () => {
  await app();
  const other = "00000000-0000-4000-8000-000000000001";
  const old = "00000000-0000-4000-8000-000000000002";
  await post([
    span({ input: "Where is my REFUND?", status: "error" }),
    span({ trace_id: other, input: "refund please", started_at: at(2), model: "gpt-4o-mini" }),
    span({ trace_id: old, input: "refund from last week", started_at: at(3 * 24 * 60) }),
  ]);
  const ids = (r: { body: { traces: { trace_id: string }[] } }) => r.body.traces.map((x) => x.trace_id);
  assert.deepEqual(ids(await get("/traces?q=refund")), [other, TRACE]);
  assert.deepEqual(ids(await get("/traces?q=refund&model=gpt-4o")), [TRACE]);
  assert.deepEqual(ids(await get("/traces?q=refund&status=error")), [TRACE]);
  assert.deepEqual(ids(await get(`/traces?q=refund&since=${at(4 * 24 * 60)}`)), [other, TRACE, old]);
  const page = await get("/traces?q=refund&limit=1");
  assert.deepEqual([ids(page), page.body.has_more], [[other], true]);
  assert.deepEqual(ids(await get("/traces?q=nothing-like-this")), []);
  const wide = await get(`/traces?q=refund&since=${at(8 * 24 * 60)}`);
  assert.equal(wide.status, 400);
  assert.match(wide.body.error, /7 days/);
  assert.equal((await get("/traces?q=a")).status, 400);
  assert.equal((await get("/traces?q=refund&modle=x")).status, 400);
});

test("the retention sweep deletes content past content.retention and keeps the spans", async () => {
  const store = new MemoryStore();
  const sp = span({ span_id: "a1b2c3d4e5f60718" });
  const spans = parseSpans(sp, { now: FIXED_NOW, qualityKey: "eval.score", price: () => null });
  const row = (started_at: number, span_id: string) => ({
    trace_id: TRACE,
    span_id,
    started_at,
    input: [{ role: "user", parts: [{ type: "text", content: "hi" }] }],
    output: null,
    system: null,
    tools: null,
    redactions: 0,
    truncated_bytes: 0,
  });
  await store.insert(spans);
  await store.content.insertContent([row(FIXED_NOW - 2 * 3600_000, "a1b2c3d4e5f60718"), row(FIXED_NOW - 60_000, "b1")]);
  const config = testConfig({}, { content: { ...DEFAULT_CONFIG.content, retention_ms: 3600_000 } });
  // closing the runtime waits for the sweep it ran at start; the store itself stays open to look at
  const view = Object.assign(Object.create(store) as MemoryStore, { close: async () => {} });
  const rt = await createRuntime(config, { store: view, now: () => FIXED_NOW });
  await rt.close();
  assert.equal(await store.countSpans(), 1);
  const left = await store.content.getContent(TRACE);
  assert.deepEqual(
    left.map((r) => r.span_id),
    ["b1"],
  );
});
