// GET /metrics/scores through the real app (app.inject): docs/metrics.md#get-metricsscores.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { DEFAULT_CONFIG } from "../config/types.js";
import { FIXED_NOW, makeTestApp, SEED_SPAN, type TestApp } from "../server/testing/app.js";

const H = 3_600_000;
const T1 = "11111111-1111-4111-8111-111111111111";
const T2 = "22222222-2222-4222-8222-222222222222";
const ROOT1 = "aaaaaaaaaaaaaaaa";
const CHILD1 = "bbbbbbbbbbbbbbbb";
const ROOT2 = "cccccccccccccccc";
let clock = FIXED_NOW;
let t: TestApp;

async function postScore(body: Record<string, unknown>): Promise<void> {
  const res = await t.app.inject({ method: "POST", url: "/scores", payload: body });
  assert.equal(res.statusCode, 201, res.body);
}

async function get(query: string): Promise<Record<string, unknown>> {
  const res = await t.app.inject({ url: `/metrics/scores${query}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Record<string, unknown>;
}

before(async () => {
  const metrics = { ...DEFAULT_CONFIG.metrics, max_groups: 2 };
  t = await makeTestApp(
    testConfig({}, { metrics, ingest: { ...DEFAULT_CONFIG.ingest, max_future_ms: 7 * 86_400_000 } }),
    () => clock,
  );
  const at = new Date(FIXED_NOW - H).toISOString();
  const spans = [
    { ...SEED_SPAN, trace_id: T1, span_id: ROOT1, model: "gpt-4o", caller: "chat", started_at: at },
    {
      ...SEED_SPAN,
      trace_id: T1,
      span_id: CHILD1,
      parent_span_id: ROOT1,
      model: "claude",
      caller: "chat",
      started_at: at,
    },
    { ...SEED_SPAN, trace_id: T2, span_id: ROOT2, model: "gemini", caller: "batch", started_at: at },
  ];
  const res = await t.app.inject({ method: "POST", url: "/spans", payload: spans });
  assert.equal(res.statusCode, 202, res.body);
});
after(() => t.close());
beforeEach(async () => {
  clock = FIXED_NOW;
  await t.store.scores.deleteScoresBefore(Number.MAX_SAFE_INTEGER);
});

test("per name: count, avg, p10, min, max over values (booleans 1/0), labels counted apart", async () => {
  await postScore({ trace_id: T1, name: "helpful", value: 0.5 });
  await postScore({ trace_id: T1, span_id: CHILD1, name: "helpful", value: 1 });
  await postScore({ trace_id: T2, name: "helpful", label: "great" });
  await postScore({ trace_id: T1, name: "thumbs", value: true });
  await postScore({ trace_id: T2, name: "thumbs", value: false });
  await postScore({ trace_id: T2, name: "topic", label: "billing" });
  await postScore({ trace_id: T2, name: "topic", label: "billing" });
  clock = FIXED_NOW - 2 * H; // outside a 1h window, inside 24h
  await postScore({ trace_id: T2, name: "helpful", value: 0 });
  clock = FIXED_NOW;
  assert.deepEqual(await get(""), {
    window: "1h",
    scores: {
      helpful: { count: 3, avg: 0.75, p10: 0.55, min: 0.5, max: 1, labels: { great: 1 } },
      thumbs: { count: 2, avg: 0.5, p10: 0.1, min: 0, max: 1, labels: {} },
      topic: { count: 2, avg: null, p10: null, min: null, max: null, labels: { billing: 2 } },
    },
  });
  const day = await get("?window=24h&name=helpful");
  assert.deepEqual(day, {
    window: "24h",
    scores: { helpful: { count: 4, avg: 0.5, p10: 0.1, min: 0, max: 1, labels: { great: 1 } } },
  });
  // the window holds its start: a score created exactly `window` ago counts, as on GET /scores
  assert.deepEqual((await get("?window=2h&name=helpful")).scores, day.scores);
  assert.deepEqual(await get("?name=nobody"), { window: "1h", scores: {} });
});

test("groupby: the scored span, or the trace's root span; no span stored is (none); filters go through it", async () => {
  await postScore({ trace_id: T1, name: "helpful", value: 1 }); // root: gpt-4o, chat
  await postScore({ trace_id: T1, span_id: CHILD1, name: "helpful", value: 0 }); // claude, chat
  await postScore({ trace_id: "33333333-3333-4333-8333-333333333333", name: "helpful", value: 0.5 }); // not stored
  const fig = (v: number) => ({ count: 1, avg: v, p10: v, min: v, max: v, labels: {} });
  const all = { count: 3, avg: 0.5, p10: 0.1, min: 0, max: 1, labels: {} };
  assert.deepEqual(await get("?groupby=caller"), {
    window: "1h",
    scores: { helpful: all },
    by_caller: {
      "(none)": { scores: { helpful: fig(0.5) } },
      chat: { scores: { helpful: { count: 2, avg: 0.5, p10: 0.1, min: 0, max: 1, labels: {} } } },
    },
  });
  // three models, max_groups 2: the two with most scores (ties by name) keep their name
  assert.deepEqual(await get("?groupby=model"), {
    window: "1h",
    scores: { helpful: all },
    by_model: {
      "(none)": { scores: { helpful: fig(0.5) } },
      "(other)": { scores: { helpful: fig(1) } },
      claude: { scores: { helpful: fig(0) } },
    },
    truncated: true,
    groups_total: 3,
  });
  assert.deepEqual(await get("?model=gpt-4o"), { window: "1h", scores: { helpful: fig(1) } });
  assert.deepEqual(await get("?caller=chat&groupby=model"), {
    window: "1h",
    scores: { helpful: { count: 2, avg: 0.5, p10: 0.1, min: 0, max: 1, labels: {} } },
    by_model: { claude: { scores: { helpful: fig(0) } }, "gpt-4o": { scores: { helpful: fig(1) } } },
  });
});

test("bad parameters are 400s naming the parameter", async () => {
  const cases: [string, RegExp][] = [
    ["window=abc", /^window: "abc" is not a duration/],
    ["groupby=provider", /^groupby: scores group by model or caller/],
    ["groupby=attr.workflow", /^groupby: /],
    ["name=has%20space", /^name: must be 1-128 letters/],
    ["status=ok", /^status: unknown query parameter; known: window, groupby, name, model, caller/],
    ["model=", /^model: must not be empty/],
    ["model=a&model=b", /^model: give it once/],
  ];
  for (const [query, message] of cases) {
    const res = await t.app.inject({ url: `/metrics/scores?${query}` });
    assert.equal(res.statusCode, 400, query);
    const body = res.json() as { error: string };
    assert.deepEqual(Object.keys(body), ["error"], query);
    assert.match(body.error, message, query);
  }
});
