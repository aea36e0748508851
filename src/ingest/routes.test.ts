import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { FIXED_NOW, makeTestApp, SEED_SPAN, type TestApp } from "../server/testing/app.js";

let t: TestApp;
before(async () => {
  t = await makeTestApp(testConfig({ max_batch_size: 5, max_body_bytes: 4096 }));
});
after(() => t.close());

function post(payload: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: "POST",
    url: "/spans",
    headers: { "content-type": "application/json", ...headers },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
}

async function expectError(res: Awaited<ReturnType<typeof post>>, status: number, pattern: RegExp) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json() as { error: string };
  assert.deepEqual(Object.keys(body), ["error"]);
  assert.match(body.error, pattern);
}

test("the seed's example array is accepted: 202 {accepted: 1} and the span is committed", async () => {
  const before = t.store.spans.length;
  const res = await post([SEED_SPAN]);
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { accepted: 1 });
  assert.equal(t.store.spans.length, before + 1);
  const stored = t.store.spans.at(-1);
  assert.equal(stored?.model, "gpt-4o");
  assert.equal(stored?.cost_usd, 0.00448);
  assert.equal(stored?.eval_score, 0.87);
});

test("a single span object is accepted too", async () => {
  const res = await post({ model: "gpt-4o-mini", prompt_tokens: 3 });
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { accepted: 1 });
});

test("charset parameter on the JSON content type is fine", async () => {
  const res = await post([SEED_SPAN, SEED_SPAN], { "content-type": "application/json; charset=utf-8" });
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { accepted: 2 });
});

test("400 for a POST without a body or content type", async () => {
  const res = await t.app.inject({ method: "POST", url: "/spans" });
  await expectError(res, 400, /body must be a span object or an array of span objects/);
});

test("400 for malformed and empty JSON", async () => {
  await expectError(await post('[{"model": "gpt-4o",'), 400, /^malformed JSON/);
  await expectError(await post(""), 400, /malformed JSON: the body is empty/);
  await expectError(await post('{"__proto__": {"x": 1}, "model": "m", "prompt_tokens": 1}'), 400, /__proto__/);
  // spelt with escapes, JSON.parse makes the same key: refused too, in one span or an array
  const escaped = '{"model": "m", "prompt_tokens": 1, "attributes": {"\\u005f_pr\\u006fto__": {"x": 1}}}';
  await expectError(await post(escaped), 400, /"__proto__" keys are not allowed/);
  await expectError(await post(`[${JSON.stringify(SEED_SPAN)}, ${escaped}]`), 400, /"__proto__" keys are not allowed/);
});

test("malformed JSON anywhere in an array answers before a bad span earlier in it, and stores nothing", async () => {
  const before = t.store.spans.length;
  const res = await post(`[${JSON.stringify(SEED_SPAN)}, {"model": ""}, {"model": "gpt-4o", "prompt_tokens": tru}]`);
  await expectError(res, 400, /^malformed JSON: Unexpected token/);
  // the same message as parsing the whole text gives, position included
  const whole = `[{"model": "gpt-4o"}, {"model": "x", "prompt_tokens": 1,}]`;
  let expected = "";
  try {
    JSON.parse(whole);
  } catch (e) {
    expected = `malformed JSON: ${(e as Error).message}`;
  }
  assert.deepEqual((await post(whole)).json(), { error: expected });
  // an outline that is not one array: text after it, a missing element
  await expectError(await post(`[${JSON.stringify(SEED_SPAN)}] []`), 400, /^malformed JSON/);
  await expectError(await post(`[${JSON.stringify(SEED_SPAN)},,{}]`), 400, /^malformed JSON/);
  assert.equal(t.store.spans.length, before);
});

test("array bodies, whatever their spacing, store every span with its own fields", async () => {
  const before = t.store.spans.length;
  const spans = [1, 2, 3].map((n) => ({ ...SEED_SPAN, span_id: `${n}`.repeat(16), name: `call "${n}", [x]` }));
  const res = await post(`\n [ ${spans.map((s) => JSON.stringify(s, null, 2)).join(" ,\n")} ]\r\n`);
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(
    t.store.spans.slice(before).map((s) => [s.span_id, s.name]),
    spans.map((s) => [s.span_id, s.name]),
  );
  assert.equal((await post("[]")).statusCode, 202);
});

test("400 names the index and field of the bad span", async () => {
  const ok = { model: "gpt-4o", prompt_tokens: 1 };
  await expectError(await post([ok, { prompt_tokens: 1 }]), 400, /spans\[1\]\.model/);
  await expectError(await post([{ model: "gpt-4o" }]), 400, /spans\[0\]\.prompt_tokens: at least one/);
  await expectError(await post([ok, ok, { model: "gpt-4o", prompt_tokens: "12" }]), 400, /spans\[2\]\.prompt_tokens/);
  await expectError(await post([{ model: "gpt-4o", prompt_tokens: -1 }]), 400, /spans\[0\]\.prompt_tokens/);
  await expectError(await post([{ model: "gpt-4o", prompt_tokens: 1.5 }]), 400, /spans\[0\]\.prompt_tokens/);
  await expectError(await post([{ model: 42, prompt_tokens: 1 }]), 400, /spans\[0\]\.model/);
  await expectError(await post([{ ...ok, status: "failed" }]), 400, /spans\[0\]\.status/);
  await expectError(await post([{ ...ok, cost_usd: -0.1 }]), 400, /spans\[0\]\.cost_usd/);
  await expectError(await post([{ ...ok, latency_ms: -5 }]), 400, /spans\[0\]\.latency_ms/);
  await expectError(await post("[1]"), 400, /spans\[0\]/);
  await expectError(await post("null"), 400, /span object or an array/);
});

test('NaN and Infinity cannot sneak in: the string "NaN" and 1e999 are 400s', async () => {
  await expectError(await post([{ model: "gpt-4o", prompt_tokens: 1, cost_usd: "NaN" }]), 400, /spans\[0\]\.cost_usd/);
  // JSON.parse turns 1e999 into Infinity
  await expectError(
    await post('[{"model":"gpt-4o","prompt_tokens":1,"latency_ms":1e999}]'),
    400,
    /spans\[0\]\.latency_ms/,
  );
  await expectError(await post('[{"model":"gpt-4o","prompt_tokens":1e999}]'), 400, /spans\[0\]\.prompt_tokens/);
  await expectError(await post('[{"model":"gpt-4o","prompt_tokens":NaN}]'), 400, /^malformed JSON/);
});

test("a batch is all or nothing: one bad span stores none", async () => {
  const before = t.store.spans.length;
  await expectError(await post([SEED_SPAN, SEED_SPAN, { model: "" }]), 400, /spans\[2\]\.model/);
  assert.equal(t.store.spans.length, before);
});

test("spans dated far ahead or before the retention: 400 naming the field, nothing stored", async () => {
  const before = t.store.spans.length;
  const ahead = { ...SEED_SPAN, started_at: new Date(FIXED_NOW + 2 * 3_600_000).toISOString() };
  await expectError(
    await post([SEED_SPAN, ahead]),
    400,
    /^spans\[1\]\.started_at: more than ingest\.max_future \(1h\) ahead of the server's clock$/,
  );
  const old = { ...SEED_SPAN, started_at: new Date(FIXED_NOW - 31 * 86_400_000).toISOString() };
  await expectError(await post([old]), 400, /^spans\[0\]\.started_at: older than the retention \(30d\)/);
  assert.equal(t.store.spans.length, before);
});

test("413 when the array is longer than max_batch_size, before any span is validated", async () => {
  const res = await post(Array.from({ length: 6 }, () => ({ nonsense: true })));
  await expectError(res, 413, /6 spans in one request; http_server.max_batch_size is 5/);
  assert.equal((await post(Array.from({ length: 5 }, () => SEED_SPAN))).statusCode, 202, "5 is within the limit");
});

test("413 when the body is larger than max_body_bytes, with Content-Length", async () => {
  const big = JSON.stringify([{ ...SEED_SPAN, name: "x".repeat(5000) }]);
  await expectError(await post(big), 413, /max_body_bytes \(4096 bytes\)/);
});

test("413 when a chunked body (no Content-Length) grows past max_body_bytes", async () => {
  const chunks = [Buffer.from("["), ...Array.from({ length: 30 }, () => Buffer.from(`${JSON.stringify(SEED_SPAN)},`))];
  const res = await t.app.inject({
    method: "POST",
    url: "/spans",
    headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    payload: Readable.from(chunks),
  });
  await expectError(res, 413, /max_body_bytes/);
});

test("415 for anything but JSON", async () => {
  await expectError(await post(JSON.stringify([SEED_SPAN]), { "content-type": "text/plain" }), 415, /text\/plain/);
  await expectError(await post("<span/>", { "content-type": "application/xml" }), 415, /application\/xml/);
  await expectError(await post("model=gpt-4o", { "content-type": "application/x-www-form-urlencoded" }), 415, /form/);
});

test("Idempotency-Key: a repeat answers the same 202 without inserting again", async () => {
  const before = t.store.spans.length;
  const headers = { "idempotency-key": "batch-0001" };
  const first = await post([SEED_SPAN, SEED_SPAN], headers);
  assert.equal(first.statusCode, 202);
  assert.deepEqual(first.json(), { accepted: 2 });
  const again = await post([SEED_SPAN, SEED_SPAN], headers);
  assert.equal(again.statusCode, 202);
  assert.deepEqual(again.json(), { accepted: 2 });
  assert.equal(again.headers["idempotent-replayed"], "true");
  assert.equal(t.store.spans.length, before + 2);
  // another key inserts
  assert.equal((await post([SEED_SPAN], { "idempotency-key": "batch-0002" })).statusCode, 202);
  assert.equal(t.store.spans.length, before + 3);
});

test("Idempotency-Key: concurrent repeats share one commit", async () => {
  const before = t.store.spans.length;
  const headers = { "idempotency-key": "batch-concurrent" };
  const res = await Promise.all([post([SEED_SPAN], headers), post([SEED_SPAN], headers), post([SEED_SPAN], headers)]);
  for (const r of res) assert.deepEqual(r.json(), { accepted: 1 });
  assert.equal(t.store.spans.length, before + 1);
});

test("Idempotency-Key: a rejected request is not remembered, and a bad key is a 400", async () => {
  const headers = { "idempotency-key": "batch-bad-then-good" };
  assert.equal((await post([{ model: "" }], headers)).statusCode, 400);
  assert.equal((await post([SEED_SPAN], headers)).statusCode, 202);
  await expectError(await post([SEED_SPAN], { "idempotency-key": "has space" }), 400, /Idempotency-Key/);
});
