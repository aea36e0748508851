import assert from "node:assert/strict";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { createFakeStore } from "../store/testing/fake-store.js";
import { startServer } from "./listen.js";
import { SEED_SPAN } from "./testing/app.js";

test("startServer listens on a random loopback port and serves the API over a real socket", async () => {
  const store = createFakeStore();
  const server = await startServer(testConfig({ addr: "127.0.0.1:0" }), { store });
  try {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/spans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([SEED_SPAN]),
    });
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 1 });
    const health = await fetch(`${server.url}/health`);
    assert.equal(((await health.json()) as { span_count: number }).span_count, 1);
  } finally {
    await server.close();
  }
  assert.equal(store.closed, 1);
  await server.close();
});

test("an empty host listens on every interface; the url uses loopback", async () => {
  const server = await startServer(testConfig({ addr: ":0" }), { store: createFakeStore() });
  try {
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  } finally {
    await server.close();
  }
});

test("a malformed addr is refused before anything opens", async () => {
  const store = createFakeStore();
  await assert.rejects(startServer(testConfig({ addr: "nope" }), { store }), /http_server.addr "nope"/);
});

test("close lets the request in flight commit and answer 202 before the store closes", async () => {
  const store = createFakeStore();
  const server = await startServer(testConfig({ addr: "127.0.0.1:0" }), { store });
  store.hold = true;
  const posted = fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([SEED_SPAN]),
  });
  while (store.insertCalls.length === 0) await new Promise((r) => setImmediate(r));
  const closed = server.close();
  store.hold = false;
  store.release();
  const res = await posted;
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { accepted: 1 });
  await closed;
  assert.equal(store.spans.length, 1);
  assert.equal(store.closed, 1);
});

test("with otlp.addr set, a second listener serves POST /v1/traces", async () => {
  const config = testConfig({ addr: "127.0.0.1:0" }, { otlp: { addr: "127.0.0.1:0" } });
  const server = await startServer(config, { store: createFakeStore() });
  try {
    assert.ok(server.otlpUrl);
    assert.notEqual(server.otlpUrl, server.url);
    const otlpHealth = await fetch(`${server.otlpUrl}/health`);
    assert.equal(otlpHealth.status, 404, "only OTLP is served there");
    await otlpHealth.arrayBuffer();
    const res = await fetch(`${server.otlpUrl}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  } finally {
    await server.close();
  }
});

test("without otlp.addr there is no second listener", async () => {
  const server = await startServer(testConfig({ addr: "127.0.0.1:0" }), { store: createFakeStore() });
  assert.equal(server.otlpUrl, null);
  await server.close();
});
