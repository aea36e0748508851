// session_id= and user_id= filters and groupby=user_id / session_id on the metrics, series,
// trace search and alert routes, through the real app (app.inject).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { toSpanFilter } from "../alerts/rule.js";
import { testConfig } from "../config/testing/config.js";
import { buildApp } from "../server/app.js";
import { createRuntime, type Runtime } from "../server/runtime.js";
import { FIXED_NOW } from "../server/testing/app.js";
import { MemoryStore } from "../store/memory/memory-store.js";

const t = {} as { app: FastifyInstance; runtime: Runtime };
const at = (min: number) => new Date(FIXED_NOW - min * 60_000).toISOString();

before(async () => {
  t.runtime = await createRuntime(testConfig(), { store: new MemoryStore(), now: () => FIXED_NOW });
  t.app = await buildApp(t.runtime);
  // u-1: two conversations ($0.1 + $0.2, then $0.4 failed); u-2: one ($0.8); one span of nobody ($1.6)
  const spans = [
    { session_id: "c-1", user_id: "u-1", cost_usd: 0.1, started_at: at(50) },
    { session_id: "c-1", user_id: "u-1", cost_usd: 0.2, started_at: at(40) },
    { session_id: "c-2", user_id: "u-1", cost_usd: 0.4, started_at: at(30), status: "error" },
    { session_id: "c-3", user_id: "u-2", cost_usd: 0.8, started_at: at(20), model: "gpt-4o-mini" },
    { cost_usd: 1.6, started_at: at(10), attributes: { user_id: "u-1" } },
  ].map((s, i) => ({
    trace_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    model: "gpt-4o",
    prompt_tokens: 10,
    comp_tokens: 5,
    latency_ms: 100,
    ...s,
  }));
  const res = await t.app.inject({ method: "POST", url: "/spans", payload: spans });
  assert.equal(res.statusCode, 202, res.body);
});
after(async () => {
  await t.app.close();
  await t.runtime.close();
});

async function get(url: string): Promise<Record<string, unknown>> {
  const res = await t.app.inject({ url });
  assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  return res.json();
}

test("user_id= and session_id= filter GET /metrics/{name} and /metrics", async () => {
  assert.equal((await get("/metrics/total_cost?window=1h&user_id=u-1")).value, 0.7);
  assert.equal((await get("/metrics/total_cost?window=1h&session_id=c-1")).value, 0.3);
  assert.equal((await get("/metrics/span_count?window=1h&user_id=u-1&session_id=c-2")).value, 1);
  assert.equal((await get("/metrics/span_count?window=1h&user_id=nobody")).value, 0);
  const all = (await get("/metrics?window=1h&user_id=u-2")) as { cost: { total_usd: number } };
  assert.equal(all.cost.total_usd, 0.8);
});

test("groupby=user_id and groupby=session_id: the fields, not the attribute; spans without them in (none)", async () => {
  assert.deepEqual((await get("/metrics/total_cost?window=1h&groupby=user_id")).by_user_id, {
    "(none)": 1.6,
    "u-1": 0.7,
    "u-2": 0.8,
  });
  assert.deepEqual((await get("/metrics/span_count?window=1h&groupby=session_id&user_id=u-1")).by_session_id, {
    "c-1": 2,
    "c-2": 1,
  });
  // the attribute user_id is still there to group by, as attr.user_id
  assert.deepEqual((await get("/metrics/span_count?window=1h&groupby=attr.user_id")).by_user_id, {
    "(none)": 4,
    "u-1": 1,
  });
  const errors = (await get("/metrics/errors?window=1h&groupby=user_id")).by_user_id as Record<string, unknown>;
  assert.deepEqual(errors["u-1"], { rate: 1 / 3, count: 1, timeout_count: 0, span_count: 3 });
});

test("series filter and group by user_id", async () => {
  const s = (await get("/metrics/total_cost/series?window=1h&step=1h&groupby=user_id&model=gpt-4o")) as {
    series: { group: string; points: [number, number | null][] }[];
  };
  const sums = Object.fromEntries(s.series.map((x) => [x.group, x.points.reduce((a, p) => a + (p[1] ?? 0), 0)]));
  assert.deepEqual(sums, { "(none)": 1.6, "u-1": 0.7 });
});

test("GET /traces?user_id= and session_id=", async () => {
  const ids = async (q: string) =>
    ((await get(`/traces?${q}`)) as { traces: { trace_id: string }[] }).traces.map((x) => x.trace_id.slice(-1));
  assert.deepEqual(await ids("user_id=u-1"), ["2", "1", "0"]);
  assert.deepEqual(await ids("session_id=c-3"), ["3"]);
  assert.deepEqual(await ids("user_id=u-2&session_id=c-1"), []);
});

test("alert rules filter on user_id and session_id; an empty one is refused naming the field", async () => {
  const rule = { name: "u1-cost", metric: "total_cost", op: "gt", threshold: 0.5, window: "1h" };
  const created = await t.app.inject({
    method: "POST",
    url: "/alerts",
    payload: { ...rule, filter: { user_id: "u-1", session_id: "c-2" } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const shown = (await get("/alerts/u1-cost")) as { rule?: { filter: unknown }; filter?: unknown };
  assert.deepEqual(shown.rule?.filter ?? shown.filter, { user_id: "u-1", session_id: "c-2" });
  assert.deepEqual(toSpanFilter({ user_id: "u-1", session_id: "c-2", model: "m" }), {
    user_id: "u-1",
    session_id: "c-2",
    model: "m",
  });
  const bad = await t.app.inject({ method: "POST", url: "/alerts", payload: { ...rule, filter: { user_id: "" } } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /filter\.user_id: must be a non-empty string/);
});
