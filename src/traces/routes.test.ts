import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeTestApp, SEED_SPAN, type TestApp } from "../server/testing/app.js";
import { assertSeedTrace, SEED_SPAN_ID, SEED_TRACE_ID } from "../span/testing/seed.js";

const TRACE = SEED_TRACE_ID;
let t: TestApp;

async function ingest(spans: unknown[]) {
  const res = await t.app.inject({ method: "POST", url: "/spans", payload: spans });
  assert.equal(res.statusCode, 202, res.body);
}

before(async () => {
  t = await makeTestApp();
  await ingest([
    {
      ...SEED_SPAN,
      trace_id: TRACE,
      span_id: SEED_SPAN_ID,
      started_at: "2026-03-15T14:23:01.441Z",
      ended_at: "2026-03-15T14:23:02.681Z",
      attributes: { "eval.score": 0.87, request_id: "abc123" },
    },
  ]);
  // 25 more traces, one per minute, every fifth an error from gpt-4o-mini
  await ingest(
    Array.from({ length: 25 }, (_, i) => ({
      trace_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      model: i % 5 === 0 ? "gpt-4o-mini" : "gpt-4o",
      prompt_tokens: 10,
      comp_tokens: 5,
      cost_usd: 0.1,
      status: i % 5 === 0 ? "error" : "ok",
      caller: "batch",
      started_at: new Date(Date.UTC(2026, 2, 16, 10, i)).toISOString(),
      latency_ms: 100,
      attributes: { n: i },
    })),
  );
});
after(() => t.close());

test("GET /traces/{id}: the seed's response for the seed's span", async () => {
  const res = await t.app.inject({ url: `/traces/${TRACE}` });
  assert.equal(res.statusCode, 200);
  assertSeedTrace(res.json(), { "eval.score": 0.87, request_id: "abc123" });
});

test("GET /traces/{id} accepts 32-hex and upper case forms of the same id", async () => {
  for (const id of [TRACE.toUpperCase(), TRACE.replaceAll("-", ""), TRACE.replaceAll("-", "").toUpperCase()]) {
    const res = await t.app.inject({ url: `/traces/${id}` });
    assert.equal(res.statusCode, 200, id);
    assert.equal((res.json() as { trace_id: string }).trace_id, TRACE);
  }
});

test("GET /traces/{id}: 404 trace_not_found for an unknown or malformed id", async () => {
  for (const id of ["11111111-2222-4333-8444-555555555555", "not-a-trace-id", "x".repeat(150)]) {
    const res = await t.app.inject({ url: `/traces/${id}` });
    assert.equal(res.statusCode, 404, id);
    assert.deepEqual(res.json(), { error: `trace ${JSON.stringify(id)} not found` });
  }
});

test("GET /traces: newest first, default limit 20, has_more", async () => {
  const res = await t.app.inject({ url: "/traces" });
  assert.equal(res.statusCode, 200);
  const body = res.json() as {
    traces: { trace_id: string; span_count: number }[];
    limit: number;
    offset: number;
    has_more: boolean;
  };
  assert.equal(body.traces.length, 20);
  assert.equal(body.limit, 20);
  assert.equal(body.offset, 0);
  assert.equal(body.has_more, true);
  assert.equal(body.traces[0].trace_id, "00000000-0000-4000-8000-000000000024");
  const page2 = (await t.app.inject({ url: "/traces?offset=20&limit=20" })).json() as typeof body;
  assert.equal(page2.traces.length, 6);
  assert.equal(page2.has_more, false);
  assert.equal(page2.traces.at(-1)?.trace_id, TRACE);
});

test("GET /traces filters by attribute, model and status", async () => {
  const byAttr = (await t.app.inject({ url: "/traces?attr.request_id=abc123" })).json() as {
    traces: { trace_id: string; total_cost_usd: number }[];
  };
  assert.deepEqual(
    byAttr.traces.map((x) => x.trace_id),
    [TRACE],
  );
  assert.equal(byAttr.traces[0].total_cost_usd, 0.00448);
  const errors = (await t.app.inject({ url: "/traces?model=gpt-4o-mini&status=error&limit=50" })).json() as {
    traces: unknown[];
    limit: number;
  };
  assert.equal(errors.traces.length, 5);
  assert.equal(errors.limit, 50);
  const numeric = (await t.app.inject({ url: "/traces?attr.n=7" })).json() as { traces: unknown[] };
  assert.equal(numeric.traces.length, 1);
  const window = (
    await t.app.inject({
      url: "/traces?since=2026-03-16T10:09:00Z&until=2026-03-16T10:12:00Z",
    })
  ).json() as { traces: { trace_id: string }[] };
  assert.deepEqual(
    window.traces.map((x) => x.trace_id.slice(-2)),
    ["11", "10"],
  );
});

test("GET /traces: next_cursor pages like offset, null on the last page", async () => {
  type Page = { traces: { trace_id: string }[]; has_more: boolean; next_cursor: string | null };
  const get = async (qs: string) => (await t.app.inject({ url: `/traces?${qs}` })).json() as Page;
  const byCursor: string[] = [];
  let page = await get("limit=7");
  for (;;) {
    byCursor.push(...page.traces.map((x) => x.trace_id));
    if (page.next_cursor === null) break;
    assert.equal(page.has_more, true);
    page = await get(`limit=7&cursor=${page.next_cursor}`);
  }
  assert.equal(page.has_more, false);
  const all = (await get("limit=200")).traces.map((x) => x.trace_id);
  assert.equal(all.length, 26);
  assert.deepEqual(byCursor, all);
});

test("GET /traces: 400 naming the bad parameter", async () => {
  for (const [qs, pattern] of [
    ["offset=1001", /offset may be at most 1000/],
    ["cursor=xyz", /cursor is not valid/],
    ["cursor=eyJ2IjoxLCJzIjowLCJ0IjoiYSJ9&offset=0", /cursor and offset cannot be combined/],
    ["q=hello&cursor=eyJ2IjoxLCJzIjowLCJ0IjoiYSJ9", /cursor cannot be combined with q/],
    ["limit=500", /limit must be between 1 and 200/],
    ["limit=abc", /limit must be an integer/],
    ["offset=-1", /offset/],
    ["status=bad", /status/],
    ["since=2026-13-01T00:00:00Z", /since/],
  ] as const) {
    const res = await t.app.inject({ url: `/traces?${qs}` });
    assert.equal(res.statusCode, 400, qs);
    assert.match((res.json() as { error: string }).error, pattern);
  }
});
