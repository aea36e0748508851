// tracer.budget(): an app reads a budget's standing from its server, in process or over HTTP,
// and never gets an exception for it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_CONFIG } from "../config/types.js";
import { createTracer } from "../index.js";
import { startServer } from "../server/index.js";
import { HttpTransport } from "./transports/http.js";

const perUser = {
  name: "per-user",
  metric: "total_cost",
  group_by: ["user_id"],
  budget: { period: "month", amount: 10 },
};

test("in process: what is left of a user's monthly budget, from the spans the tracer recorded", async (t) => {
  const warnings: string[] = [];
  const tracer = createTracer({
    httpServer: { addr: "127.0.0.1:0", auth_token: "s3cret" },
    alerts: [perUser],
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => tracer.shutdown());
  await tracer.trace(
    "answer",
    async (trace) => {
      trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, cost_usd: 2.5 });
    },
    { userId: "u1" },
  );
  await tracer.flush();
  assert.equal(await tracer.budget("per-user", { userId: "u1" }).remaining(), 7.5);
  const r = await tracer.budget("per-user", { userId: "u2" }).read();
  assert.deepEqual([r?.spent, r?.remaining, r?.amount, r?.group], [0, 10, 10, { user_id: "u2" }]);
  assert.equal(warnings.length, 0, warnings.join("\n"));
  // a budget that does not exist, or a key the rule does not group by: null and a warning
  assert.equal(await tracer.budget("nope", { userId: "u1" }).remaining(), null);
  assert.equal(await tracer.budget("per-user", { sessionId: "s1" }).remaining(), null);
  assert.match(warnings[0], /^tokentrace: budget "nope" could not be read: HTTP 404: no budget named "nope"$/);
  assert.match(
    warnings[1],
    /^tokentrace: budget "per-user" could not be read: HTTP 400: session_id: unknown query parameter/,
  );
});

test("over HTTP with an ingest token; an unreachable server is null, not a throw", async (t) => {
  const config = structuredClone(DEFAULT_CONFIG);
  config.http_server.addr = "127.0.0.1:0";
  config.storage.driver = "memory";
  config.auth.tokens = [{ token: "ingest-1", scope: "ingest" }];
  config.alerts.rules = [perUser];
  const server = await startServer(config);
  t.after(() => server.close());
  const warnings: string[] = [];
  const tracer = createTracer({
    transport: new HttpTransport({ url: server.url, token: "ingest-1" }),
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => tracer.shutdown());
  await tracer.trace(
    "answer",
    async (trace) => {
      trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, cost_usd: 4 });
    },
    { userId: "u9" },
  );
  await tracer.flush();
  assert.equal(await tracer.budget("per-user", { userId: "u9" }).remaining(), 6);
  assert.equal(warnings.length, 0, warnings.join("\n"));

  const gone = createTracer({
    transport: new HttpTransport({ url: "http://127.0.0.1:9", timeoutMs: 500 }),
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => gone.shutdown());
  assert.equal(await gone.budget("per-user", { userId: "u9" }).remaining(), null);
  assert.match(warnings[0], /^tokentrace: budget "per-user" could not be read: /);
});

test("a disabled tracer, or one without a server to ask, answers null", async (t) => {
  assert.equal(await createTracer({}).budget("x").remaining(), null);
  const warnings: string[] = [];
  const { MemoryTransport } = await import("./transports/memory.js");
  const local = createTracer({ transport: new MemoryTransport(), onWarning: (m) => warnings.push(m) });
  t.after(() => local.shutdown());
  assert.equal(await local.budget("x").remaining(), null);
  assert.match(warnings[0], /has no server to ask/);
});
