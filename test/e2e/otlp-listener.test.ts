// otlp.addr: POST /v1/traces on a port of its own, sharing the main API's context and auth.
import assert from "node:assert/strict";
import { test } from "node:test";
import { testConfig } from "../../src/config/testing/config.js";
import { startOtlpListener } from "../../src/server/index.js";
import { createRuntime } from "../../src/server/runtime.js";
import { createFakeStore } from "../../src/store/testing/fake-store.js";

// A minute ago: a start older than the retention or ahead by more than ingest.max_future is rejected.
const NANOS = BigInt(Date.now() - 60_000) * 1_000_000n;

test("scoped tokens on the OTLP-only listener: ingest and admin may send, read gets 403", async (t) => {
  const store = createFakeStore();
  const config = testConfig(
    {},
    {
      auth: {
        tokens: [
          { token: "ingest-tok", scope: "ingest" },
          { token: "read-tok", scope: "read" },
          { token: "admin-tok", scope: "admin" },
        ],
      },
    },
  );
  const runtime = await createRuntime(config, { store });
  const otlp = await startOtlpListener(runtime, "127.0.0.1:0");
  t.after(async () => {
    await otlp.close();
    await runtime.close();
  });
  const send = (token: string) =>
    fetch(`${otlp.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ resourceSpans: [] }),
    });
  assert.equal((await send("ingest-tok")).status, 200);
  assert.equal((await send("admin-tok")).status, 200);
  const read = await send("read-tok");
  assert.equal(read.status, 403);
  assert.match(((await read.json()) as { error: string }).error, /scope read cannot call POST \/v1\/traces/);
  assert.equal((await send("other")).status, 401);
});

test("the OTLP-only listener ingests into the shared store, with the same bearer auth", async (t) => {
  const store = createFakeStore();
  const runtime = await createRuntime(testConfig({ auth_token: "tok" }), { store });
  const otlp = await startOtlpListener(runtime, "127.0.0.1:0");
  t.after(async () => {
    await otlp.close();
    await runtime.close();
  });

  const body = JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: "5b8efff798038103d269b633813fc60c",
                spanId: "eee19b7ec3c1b174",
                name: "chat",
                startTimeUnixNano: String(NANOS),
                endTimeUnixNano: String(NANOS + 500_000_000n),
                attributes: [{ key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } }],
              },
            ],
          },
        ],
      },
    ],
  });
  const url = `${otlp.url}/v1/traces`;
  const denied = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(denied.status, 401);

  const ok = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer tok" },
    body,
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {});
  assert.deepEqual(
    store.spans.map((s) => [s.trace_id, s.model, s.latency_ms]),
    [["5b8efff7-9803-8103-d269-b633813fc60c", "gpt-4o", 500]],
  );

  const other = await fetch(`${otlp.url}/spans`, { method: "POST", headers: { authorization: "Bearer tok" } });
  assert.equal(other.status, 404, "only /v1/traces is served on the OTLP port");
});
