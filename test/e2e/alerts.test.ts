// Alert rules end to end over real HTTP: rules created through POST /alerts fire against
// spans ingested through POST /spans and reach real receivers on loopback; state survives
// a restart on the same DuckDB file. The clock is fake and evaluation is stepped with
// evaluateNow(), so nothing waits for the 30 s interval.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { type Answer, type Receiver, startReceiver } from "../../src/alerts/testing/receiver.js";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { buildApp } from "../../src/server/app.js";
import { createRuntime, type Runtime } from "../../src/server/runtime.js";
import { makeTempDir, removeDir } from "./helpers/server.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

const T0 = Date.UTC(2026, 2, 15, 15, 0, 0);
const MIN = 60_000;
const clock = { now: T0 };

interface Server {
  url: string;
  rt: Runtime;
  app: FastifyInstance;
  close(): Promise<void>;
}

let dir: string;
const closers: (() => Promise<void>)[] = [];

before(async () => {
  dir = await makeTempDir("tokentrace-alerts-");
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
after(async () => {
  await removeDir(dir);
});

function config(file: string, rules: unknown[] = []): Config {
  const c = structuredClone(DEFAULT_CONFIG);
  c.http_server.addr = "127.0.0.1:0";
  c.storage = { driver: "duckdb", path: join(dir, file), url: null };
  c.alerts.rules = rules;
  // the receivers listen on loopback, which rules created through POST /alerts reach only when listed
  c.alerts.allowed_hosts = ["127.0.0.1"];
  return c;
}

/** The real runtime and app on a loopback port (the runtime is kept to step alert evaluation). */
async function serve(c: Config): Promise<Server> {
  const rt = await createRuntime(c, { now: () => clock.now });
  const app = await buildApp(rt);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  let closed: Promise<void> | null = null;
  const server = {
    url: `http://127.0.0.1:${port}`,
    rt,
    app,
    close: () => {
      closed ??= app.close().then(() => rt.close());
      return closed;
    },
  };
  closers.push(server.close);
  return server;
}

async function receiver(...answers: Answer[]): Promise<Receiver> {
  const r = await startReceiver(answers);
  closers.push(() => r.close());
  return r;
}

async function call(s: Server, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? null : (JSON.parse(text) as Json) };
}

/** Evaluates every rule now and waits for the deliveries that produced. */
async function evaluate(s: Server): Promise<void> {
  assert.ok(s.rt.alerts);
  await s.rt.alerts.evaluateNow();
  await s.rt.alerts.idle();
}

const spanAt = (minutesAgo: number, over: Record<string, unknown> = {}) => ({
  name: "summarize-document",
  model: "gpt-4o",
  provider: "openai",
  prompt_tokens: 512,
  comp_tokens: 128,
  cost_usd: 0.00448,
  latency_ms: 1240,
  caller: "summarizer-service",
  started_at: new Date(clock.now - minutesAgo * MIN).toISOString(),
  ...over,
});

test("an API rule fires once against ingested spans, survives a restart inside its cooldown, then silence and DELETE", async () => {
  clock.now = T0;
  const rx = await receiver();
  const c = config("restart.duckdb");
  let s = await serve(c);

  const rule = {
    name: "model-latency-alert",
    metric: "latency_p95",
    op: "gt",
    threshold: 4000,
    window: "30m",
    cooldown: "1h",
    min_spans: 3,
    filter: { model: "gpt-4o" },
    delivery: { type: "http", url: `${rx.url}/alerts` },
  };
  const created = await call(s, "POST", "/alerts", rule);
  assert.equal(created.status, 201);
  assert.deepEqual(Object.keys(created.body), ["rule_id", "name"]);
  assert.match(created.body.rule_id, /^alert_[0-9a-f]{8}$/);
  assert.equal(created.body.name, "model-latency-alert");
  assert.equal((await call(s, "POST", "/alerts", rule)).status, 409);

  // slow gpt-4o calls, and a slower call of another model the filter leaves out
  const spans = [5000, 6000, 7000].map((ms, i) => spanAt(i + 1, { latency_ms: ms }));
  spans.push(spanAt(1, { model: "gpt-4o-mini", latency_ms: 90_000 }));
  assert.equal((await call(s, "POST", "/spans", spans)).status, 202);
  await evaluate(s);
  clock.now += 2 * MIN;
  await evaluate(s);

  assert.equal(rx.received.length, 1, "exactly one payload");
  const [got] = rx.received;
  assert.equal(got.path, "/alerts");
  assert.equal(got.headers["content-type"], "application/json");
  const payload = got.body as Json;
  assert.equal(payload.version, "4");
  assert.equal(payload.status, "firing");
  assert.equal(payload.alerts[0].labels.alertname, "model-latency-alert");
  assert.equal(payload.alerts[0].labels.model, "gpt-4o");
  assert.equal(payload.alerts[0].startsAt, new Date(T0).toISOString());
  assert.equal(payload.tokentrace.rule, "model-latency-alert");
  assert.equal(payload.tokentrace.metric, "latency_p95");
  assert.equal(payload.tokentrace.threshold, 4000);
  assert.equal(payload.tokentrace.window, "30m");
  assert.equal(payload.tokentrace.fired_at, new Date(T0).toISOString());
  assert.ok(payload.tokentrace.value > 4000 && payload.tokentrace.value <= 7000, String(payload.tokentrace.value));
  assert.equal(payload.tokentrace.span_count, 3);

  const listed = (await call(s, "GET", "/alerts")).body;
  assert.equal(listed.length, 1);
  const r = listed[0];
  assert.equal(r.name, "model-latency-alert");
  assert.equal(r.metric, "latency_p95");
  assert.equal(r.op, "gt");
  assert.equal(r.threshold, 4000);
  assert.equal(r.window, "30m");
  assert.equal(r.last_evaluated, new Date(T0 + 2 * MIN).toISOString());
  assert.equal(r.last_fired, new Date(T0).toISOString());
  assert.equal(r.current_value, payload.tokentrace.value);
  assert.equal(r.firing, true);
  assert.equal(r.silenced, false);
  assert.equal(r.silenced_until, null);
  assert.equal(r.source, "api");
  assert.equal(r.state, "firing");
  assert.equal(r.rule_id, created.body.rule_id);
  assert.equal(r.last_delivery.status, "ok");
  assert.equal(r.last_delivery.attempts, 1);

  // restart on the same file, 20 minutes later: still firing, inside the 1h cooldown
  await s.close();
  clock.now = T0 + 20 * MIN;
  s = await serve(c);
  await evaluate(s);
  assert.equal(rx.received.length, 1, "no second delivery after the restart");
  const again = (await call(s, "GET", "/alerts")).body[0];
  assert.equal(again.rule_id, created.body.rule_id);
  assert.equal(again.last_fired, new Date(T0).toISOString());
  assert.equal(again.firing, true);
  assert.equal(again.last_evaluated, new Date(clock.now).toISOString());

  // silence, then past the cooldown: evaluated, not delivered
  const silenced = await call(s, "POST", "/alerts/model-latency-alert/silence", { duration: "2h" });
  assert.deepEqual(silenced, { status: 200, body: { silenced_until: new Date(clock.now + 120 * MIN).toISOString() } });
  clock.now += 45 * MIN;
  await call(
    s,
    "POST",
    "/spans",
    [5000, 6000, 7000].map((ms, i) => spanAt(i + 1, { latency_ms: ms })),
  );
  await evaluate(s);
  assert.equal(rx.received.length, 1, "silenced");
  const quiet = (await call(s, "GET", "/alerts")).body[0];
  assert.equal(quiet.silenced, true);
  assert.equal(quiet.firing, true);
  assert.equal(quiet.last_evaluated, new Date(clock.now).toISOString());

  assert.equal((await call(s, "GET", "/alerts/model-latency-alert")).body.silenced, true);
  assert.deepEqual(await call(s, "GET", "/alerts/nope"), {
    status: 404,
    body: { error: 'no alert rule named "nope"' },
  });
  assert.equal((await call(s, "POST", "/alerts/model-latency-alert/silence", { duration: "soon" })).status, 400);
  assert.equal((await call(s, "POST", "/alerts/model-latency-alert/silence", {})).status, 400);
  assert.deepEqual(await call(s, "POST", "/alerts/nope/silence", { duration: "2h" }), {
    status: 404,
    body: { error: 'no alert rule named "nope"' },
  });

  // lifting the silence: the rule, still firing and past its cooldown, notifies at the next round
  assert.deepEqual(await call(s, "DELETE", "/alerts/model-latency-alert/silence"), {
    status: 200,
    body: { silenced_until: null },
  });
  await evaluate(s);
  assert.equal(rx.received.length, 2);
  assert.equal((rx.received[1].body as Json).tokentrace.fired_at, new Date(T0).toISOString(), "same episode");

  const del = await fetch(`${s.url}/alerts/model-latency-alert`, { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal(await del.text(), "");
  assert.deepEqual((await call(s, "GET", "/alerts")).body, []);
  assert.equal((await call(s, "DELETE", "/alerts/model-latency-alert")).status, 404);
  // deleted for good: not back after a restart
  await s.close();
  s = await serve(c);
  assert.deepEqual((await call(s, "GET", "/alerts")).body, []);
});

test("a receiver answering 503 twice then 200 gets three attempts; one answering 400 gets one", async () => {
  clock.now = T0;
  // Retry-After: 0 is honoured, so the retries need no real backoff wait
  const flaky = await receiver(
    { status: 503, headers: { "Retry-After": "0" } },
    { status: 503, headers: { "Retry-After": "0" } },
  );
  const rejecting = await receiver({ status: 400, body: "unknown field" });
  const s = await serve(config("retries.duckdb"));
  const base = { metric: "error_count", op: "gte", threshold: 1, window: "1h" };
  await call(s, "POST", "/alerts", { ...base, name: "flaky", delivery: { type: "http", url: flaky.url } });
  await call(s, "POST", "/alerts", { ...base, name: "rejecting", delivery: { type: "http", url: rejecting.url } });
  await call(s, "POST", "/spans", [spanAt(1, { status: "error" })]);
  await evaluate(s);

  assert.equal(flaky.received.length, 3);
  assert.deepEqual(flaky.received[0].body, flaky.received[2].body, "the same payload each attempt");
  assert.equal(rejecting.received.length, 1);
  const rows = (await call(s, "GET", "/alerts")).body;
  const byName = Object.fromEntries(rows.map((r: Json) => [r.name, r.last_delivery]));
  assert.equal(byName.flaky.status, "ok");
  assert.equal(byName.flaky.attempts, 3);
  assert.equal(byName.rejecting.status, "failed");
  assert.equal(byName.rejecting.attempts, 1);
  assert.equal(byName.rejecting.http_status, 400);
  // the status and its reason only: what the receiver said stays out of GET /alerts
  assert.equal(byName.rejecting.error, "HTTP 400 Bad Request");
});

test("POST /alerts names the bad field; config rules cannot be deleted", async () => {
  clock.now = T0;
  const s = await serve(
    config("validation.duckdb", [
      { name: "hourly-cost-spike", metric: "total_cost", op: "gt", threshold: 10, window: "1h" },
    ]),
  );
  const bad = async (body: unknown) => call(s, "POST", "/alerts", body);
  const base = { name: "x", metric: "total_cost", op: "gt", threshold: 10, window: "1h" };
  assert.deepEqual(await bad({ ...base, threshold: "ten" }), {
    status: 400,
    body: { error: "threshold: must be a finite number" },
  });
  assert.deepEqual(await bad({ ...base, delivery: { type: "http", url: "file:///etc/passwd" } }), {
    status: 400,
    body: { error: "delivery.url: must be an http(s) URL" },
  });
  assert.match(
    (await bad({ ...base, metric: "cost" })).body.error,
    /^metric: must be a scalar metric: span_count, total_cost/,
  );
  assert.match((await bad({ ...base, filter: { "attr.": "v" } })).body.error, /^filter\.attr\.: /);
  assert.equal((await bad([base])).status, 400);
  assert.equal((await bad({ ...base, name: "hourly-cost-spike" })).status, 409);

  await evaluate(s);
  const rows = (await call(s, "GET", "/alerts")).body;
  assert.equal(rows[0].source, "config");
  // an empty window has a total cost of 0 but fewer spans than min_spans (1)
  assert.equal(rows[0].state, "insufficient_data");
  assert.equal(rows[0].current_value, 0);
  const del = await call(s, "DELETE", "/alerts/hourly-cost-spike");
  assert.equal(del.status, 409);
  assert.match(del.body.error, /comes from tokentrace\.yml/);
});
