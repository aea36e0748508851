// A score rule end to end over real HTTP (docs/alerts.md#score-rules): spans through
// POST /spans, scores through POST /scores, a rule through POST /alerts on a DuckDB store,
// delivered to a real receiver on loopback. The clock is fake and evaluation is stepped with
// evaluateNow(), so nothing waits for the interval.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { startReceiver } from "../../src/alerts/testing/receiver.js";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { buildApp } from "../../src/server/app.js";
import { createRuntime, type Runtime } from "../../src/server/runtime.js";
import { callJson, makeTempDir, removeDir } from "./helpers/server.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

const T0 = Date.UTC(2026, 2, 15, 15, 0, 0);
const MIN = 60_000;
const clock = { now: T0 };
const GPT = "11111111-1111-4111-8111-111111111111";
const CLAUDE = "22222222-2222-4222-8222-222222222222";
let dir: string;

before(async () => {
  dir = await makeTempDir("tokentrace-score-alerts-");
});
after(async () => {
  await removeDir(dir);
});

async function serve(): Promise<{ url: string; rt: Runtime; app: FastifyInstance }> {
  const c = structuredClone(DEFAULT_CONFIG);
  c.http_server.addr = "127.0.0.1:0";
  c.storage = { driver: "duckdb", path: join(dir, "scores.duckdb"), url: null };
  c.alerts.allowed_hosts = ["127.0.0.1"];
  const rt = await createRuntime(c, { now: () => clock.now });
  const app = await buildApp(rt);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, rt, app };
}

test("a score_avg rule fires on scores through the scored span's filter, with min_spans counting scores", async () => {
  const rx = await startReceiver();
  const s = await serve();
  const call = (method: string, path: string, body?: unknown) => callJson(s, method, path, body);
  const evaluate = async () => {
    assert.ok(s.rt.alerts);
    await s.rt.alerts.evaluateNow();
    await s.rt.alerts.idle();
  };
  const rule = async () => (await call("GET", "/alerts/thumbs-down")).body;
  try {
    const at = new Date(T0 - 10 * MIN).toISOString();
    const span = {
      name: "answer",
      provider: "openai",
      prompt_tokens: 10,
      comp_tokens: 5,
      latency_ms: 800,
      started_at: at,
    };
    const spans = [
      { ...span, trace_id: GPT, model: "gpt-4o" },
      { ...span, trace_id: CLAUDE, model: "claude-sonnet-4-5" },
    ];
    assert.equal((await call("POST", "/spans", spans)).status, 202);
    const created = await call("POST", "/alerts", {
      name: "thumbs-down",
      metric: "score_avg",
      score: "user.thumbs",
      op: "lt",
      threshold: 0.5,
      window: "1h",
      min_spans: 3,
      filter: { model: "gpt-4o" },
      delivery: { type: "http", url: `${rx.url}/hook` },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const thumbs = async (trace: string, value: boolean) =>
      assert.equal((await call("POST", "/scores", { trace_id: trace, name: "user.thumbs", value })).status, 201);

    // two scores of gpt-4o (and one of another model, which the filter leaves out): below min_spans
    await thumbs(GPT, false);
    await thumbs(GPT, false);
    await thumbs(CLAUDE, false);
    await evaluate();
    assert.equal((await rule()).state, "insufficient_data");
    assert.equal((await rule()).span_count, 2);
    assert.equal(rx.received.length, 0);

    clock.now += MIN;
    await thumbs(GPT, true);
    await evaluate();
    const r = await rule();
    assert.equal(r.state, "firing");
    assert.equal(r.score, "user.thumbs");
    assert.equal(r.current_value, 0.333333);
    assert.equal(r.span_count, 3);
    // the same figure as GET /metrics/scores over the same window and filter
    const metrics = await call("GET", "/metrics/scores?window=1h&model=gpt-4o&name=user.thumbs");
    assert.equal(metrics.body.scores["user.thumbs"].avg, r.current_value);

    assert.equal(rx.received.length, 1);
    const payload = rx.received[0].body as Json;
    assert.equal(payload.status, "firing");
    assert.equal(payload.alerts[0].labels.score, "user.thumbs");
    assert.equal(payload.tokentrace.score, "user.thumbs");
    assert.equal(payload.tokentrace.value, 0.333333);
    assert.match(payload.alerts[0].annotations.description, /^score_avg\(user\.thumbs\) is 0\.333333 .*\(3 scores\)/);

    // two hours later the scores have left the window: no value any more
    clock.now += 2 * 60 * MIN;
    await evaluate();
    assert.equal((await rule()).state, "insufficient_data");
    assert.equal((await rule()).firing, false);
  } finally {
    await s.app.close();
    await s.rt.close();
    await rx.close();
  }
});
