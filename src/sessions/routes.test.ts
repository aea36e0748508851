import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { FIXED_NOW, makeTestApp, type TestApp } from "../server/testing/app.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(ms).toISOString();
const trace = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function call(o: Record<string, unknown>) {
  return { model: "gpt-4o", prompt_tokens: 100, comp_tokens: 20, cost_usd: 0.1, latency_ms: 800, ...o };
}

async function ingest(t: TestApp, spans: unknown[]) {
  const res = await t.app.inject({ method: "POST", url: "/spans", payload: spans });
  assert.equal(res.statusCode, 202, res.body);
}

async function get(t: TestApp, url: string) {
  const res = await t.app.inject({ url });
  return { status: res.statusCode, body: res.json() };
}

describe("GET /sessions, /sessions/{id}, /users", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    const base = FIXED_NOW - 2 * HOUR;
    await ingest(t, [
      // conv-1: two traces of u-1; the second trace has a root step and an error
      call({
        trace_id: trace(1),
        name: "turn 1",
        session_id: "conv-1",
        user_id: "u-1",
        started_at: at(base),
        attributes: { "eval.score": 0.9 },
      }),
      {
        trace_id: trace(2),
        span_id: "00000000000000aa",
        name: "turn 2",
        session_id: "conv-1",
        user_id: "u-1",
        model: "gpt-4o",
        prompt_tokens: 1,
        comp_tokens: 1,
        cost_usd: 0,
        latency_ms: 3000,
        status: "error",
        started_at: at(base + 10 * MIN),
      },
      call({
        trace_id: trace(2),
        parent_span_id: "00000000000000aa",
        session_id: "conv-1",
        user_id: "u-1",
        cost_usd: 0.2,
        started_at: at(base + 10 * MIN + 5),
      }),
      // conv-2 of u-2, more recent
      call({
        trace_id: trace(3),
        name: "hello",
        session_id: "conv-2",
        user_id: "u-2",
        cost_usd: 0.3,
        started_at: at(base + HOUR),
      }),
      // no session, no user
      call({ trace_id: trace(4), started_at: at(base + HOUR) }),
    ]);
    await t.app.inject({
      method: "POST",
      url: "/scores",
      payload: { trace_id: trace(2), name: "thumbs", value: false, id: "s-1" },
    });
  });
  after(() => t.close());

  test("GET /sessions: summaries, latest activity first, times as RFC 3339, exact costs", async () => {
    const { status, body } = await get(t, "/sessions?window=24h");
    assert.equal(status, 200);
    assert.deepEqual(body, {
      sessions: [
        {
          session_id: "conv-2",
          user_id: "u-2",
          first_seen: at(FIXED_NOW - HOUR),
          last_seen: at(FIXED_NOW - HOUR),
          trace_count: 1,
          span_count: 1,
          total_cost_usd: 0.3,
          error_count: 0,
          quality_avg: null,
        },
        {
          session_id: "conv-1",
          user_id: "u-1",
          first_seen: at(FIXED_NOW - 2 * HOUR),
          last_seen: at(FIXED_NOW - 2 * HOUR + 10 * MIN + 5),
          trace_count: 2,
          span_count: 3,
          total_cost_usd: 0.3,
          error_count: 1,
          quality_avg: 0.9,
        },
      ],
      next_cursor: null,
    });
    const mine = await get(t, "/sessions?user_id=u-1");
    assert.deepEqual(
      mine.body.sessions.map((s: { session_id: string }) => s.session_id),
      ["conv-1"],
    );
    // the window is left-open: conv-2's only span is exactly one hour old
    const recent = await get(t, "/sessions?window=1h");
    assert.deepEqual(recent.body, { sessions: [], next_cursor: null });
  });

  test("GET /sessions/{id}: the summary and its traces in conversation order, with their scores", async () => {
    const { status, body } = await get(t, "/sessions/conv-1");
    assert.equal(status, 200);
    assert.equal(body.trace_count, 2);
    assert.equal(body.total_cost_usd, 0.3);
    assert.equal(body.traces.length, 2);
    assert.deepEqual(body.traces[0], {
      trace_id: trace(1),
      name: "turn 1",
      started_at: at(FIXED_NOW - 2 * HOUR),
      cost_usd: 0.1,
      latency_ms: 800,
      status: "ok",
      scores: [],
    });
    const second = body.traces[1];
    assert.deepEqual([second.name, second.cost_usd, second.latency_ms, second.status], ["turn 2", 0.2, 3000, "error"]);
    assert.deepEqual(
      second.scores.map((s: Record<string, unknown>) => [s.score_id, s.name, s.value, typeof s.created_at]),
      [["s-1", "thumbs", false, "string"]],
    );
    const traceScores = (await get(t, `/traces/${trace(2)}`)).body.scores;
    assert.deepEqual(second.scores, traceScores);
  });

  test("GET /sessions/{id}: an unknown id is a 404 in the error envelope", async () => {
    for (const id of ["nope", encodeURIComponent("ünïcode 🚀"), "x".repeat(300)]) {
      const { status, body } = await get(t, `/sessions/${id}`);
      assert.equal(status, 404);
      assert.deepEqual(body, { error: `session ${JSON.stringify(decodeURIComponent(id))} not found` });
    }
  });

  test("GET /users: figures over the window, sorted, error_rate a ratio of calls", async () => {
    const { status, body } = await get(t, "/users?window=30d");
    assert.equal(status, 200);
    assert.deepEqual(body.users, [
      {
        user_id: "u-1",
        span_count: 3,
        session_count: 1,
        total_cost_usd: 0.3,
        total_tokens: 242,
        error_rate: 1 / 3,
        quality_avg: 0.9,
        last_seen: at(FIXED_NOW - 2 * HOUR + 10 * MIN + 5),
      },
      {
        user_id: "u-2",
        span_count: 1,
        session_count: 1,
        total_cost_usd: 0.3,
        total_tokens: 120,
        error_rate: 0,
        quality_avg: null,
        last_seen: at(FIXED_NOW - HOUR),
      },
    ]);
    const byLast = await get(t, "/users?sort=last_seen&limit=1");
    assert.deepEqual(
      byLast.body.users.map((u: { user_id: string }) => u.user_id),
      ["u-2"],
    );
    assert.deepEqual((await get(t, "/users?window=30m")).body, { users: [] });
  });

  test("every parameter is validated with a 400 naming it", async () => {
    const cases: [string, RegExp][] = [
      ["/sessions?window=abc", /^window: "abc" is not a duration/],
      ["/sessions?limit=0", /^limit must be between 1 and 200, got 0/],
      ["/sessions?limit=201", /^limit must be between 1 and 200/],
      ["/sessions?limit=ten", /^limit must be an integer/],
      ["/sessions?cursor=abc", /^cursor is not valid/],
      ["/sessions?cursor=eyJ2IjoyfQ", /^cursor is not valid/],
      ["/sessions?user_id=", /^user_id must be 1-256 characters/],
      ["/sessions?window=1h&window=2h", /^window: give it once/],
      ["/sessions?limit=1&limit=2", /^limit: give it once/],
      ["/sessions?model=gpt-4o", /^unknown query parameter "model"; use window, user_id, limit, cursor/],
      ["/users?sort=tokens", /^sort must be one of cost, spans, errors, last_seen, got "tokens"/],
      ["/users?limit=500", /^limit must be between 1 and 200/],
      ["/users?window=", /^window: "" is not a duration/],
      ["/users?cursor=x", /^unknown query parameter "cursor"; use window, sort, limit/],
    ];
    for (const [url, message] of cases) {
      const { status, body } = await get(t, url);
      assert.equal(status, 400, url);
      assert.match(body.error, message, url);
    }
  });
});

describe("GET /sessions paging", () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    // 45 sessions; every three share a last_seen, so ties are broken by session_id
    const spans = Array.from({ length: 45 }, (_, i) =>
      call({
        trace_id: trace(100 + i),
        session_id: `s-${String(i).padStart(2, "0")}`,
        started_at: at(FIXED_NOW - HOUR + Math.floor(i / 3) * MIN),
      }),
    );
    await ingest(t, spans);
  });
  after(() => t.close());

  test("next_cursor walks every session once, in order, and the last page has none", async () => {
    const seen: string[] = [];
    let url = "/sessions?limit=7";
    for (let pages = 0; pages < 20; pages++) {
      const { status, body } = await get(t, url);
      assert.equal(status, 200);
      seen.push(...body.sessions.map((s: { session_id: string }) => s.session_id));
      if (body.next_cursor === null) break;
      assert.equal(body.sessions.length, 7);
      url = `/sessions?limit=7&cursor=${body.next_cursor}`;
    }
    const expected = Array.from({ length: 45 }, (_, i) => `s-${String(44 - i).padStart(2, "0")}`);
    assert.deepEqual(seen, expected);
  });
});

describe("sessions and users need the read scope", () => {
  test("a read token reads them, an ingest token is refused", async () => {
    const config = testConfig(
      {},
      {
        auth: {
          tokens: [
            { token: "r", scope: "read" },
            { token: "i", scope: "ingest" },
          ],
        },
      },
    );
    const t = await makeTestApp(config);
    try {
      for (const url of ["/sessions", "/sessions/x", "/users"]) {
        const read = await t.app.inject({ url, headers: { authorization: "Bearer r" } });
        assert.notEqual(read.statusCode, 403, url);
        const ingest = await t.app.inject({ url, headers: { authorization: "Bearer i" } });
        assert.equal(ingest.statusCode, 403, url);
      }
    } finally {
      await t.close();
    }
  });
});
