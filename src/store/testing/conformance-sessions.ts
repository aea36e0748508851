// Conformance, sessions part: GET /sessions, /sessions/{id} and /users as every driver reads
// them from the spans (docs/sessions.md). Exact figures, order, cursors, window edges, retention.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import type { SessionKey, SessionSummary, UserQuery } from "../sessions.js";
import { byCodePoint } from "../sessions-read.js";
import type { Store } from "../store.js";
import { DAY, id, MIN, scoreRow, span, T0 } from "./conformance-fixtures.js";
import type { WithStore } from "./conformance-lifecycle.js";

const HOUR = 60 * MIN;
/** A span of a session (and its user), an LLM call unless told otherwise. */
const call = (session: string | null, user: string | null, o: Partial<Span> = {}) =>
  span({ session_id: session, user_id: user, ...o });
const step = (o: Partial<Span>) => span({ model: null, provider: null, cost_usd: null, total_tokens: 0, ...o });

/** Every page of GET /sessions for this query, followed by cursor, as one list of ids. */
async function allPages(s: Store, since: number, limit: number, userId?: string): Promise<string[]> {
  const out: string[] = [];
  let after: SessionKey | undefined;
  for (let n = 0; n < 100; n++) {
    const r = await s.sessions.listSessions({ since, userId, after, limit });
    out.push(...r.sessions.map((x) => x.session_id));
    assert.ok(r.sessions.length <= limit);
    const last = r.sessions.at(-1);
    if (!r.hasMore || last === undefined) return out;
    after = { lastSeen: last.last_seen, sessionId: last.session_id };
  }
  throw new Error("paging did not end");
}

const users = (s: Store, o: Partial<UserQuery> = {}) =>
  s.sessions.listUsers({ from: T0 - DAY, to: T0 + DAY, sort: "cost", limit: 20, ...o });

/** Registers the session and user tests (called by runStoreConformance). */
export function sessionTests(withStore: WithStore): void {
  withStore(
    "sessions: exact figures over every span of the session; user is the latest span's that has one",
    async (s) => {
      const [t1, t2, t3] = [id(), id(), id()];
      await s.insert([
        call("conv-1", "u-1", { trace_id: t1, started_at: T0, cost_usd: 0.1, eval_score: 0.5 }),
        call("conv-1", null, { trace_id: t1, started_at: T0 + 1000, cost_usd: 0.2, status: "error" }),
        step({ trace_id: t1, session_id: "conv-1", started_at: T0 + 2000, status: "error" }),
        call("conv-1", "u-2", { trace_id: t2, started_at: T0 + MIN, cost_usd: null, status: "timeout", eval_score: 1 }),
        call("conv-1", null, { trace_id: t3, started_at: T0 + 2 * MIN, cost_usd: 0.3, eval_score: 0.25 }),
        call(null, "u-1", { started_at: T0 + 3 * MIN }),
        call("conv-2", null, { started_at: T0 + 4 * MIN, cost_usd: null }),
      ]);
      const r = await s.sessions.listSessions({ since: T0 - HOUR, limit: 20 });
      const expected: SessionSummary[] = [
        {
          session_id: "conv-2",
          user_id: null,
          first_seen: T0 + 4 * MIN,
          last_seen: T0 + 4 * MIN,
          trace_count: 1,
          span_count: 1,
          cost_usd: null,
          error_count: 0,
          quality_avg: null,
        },
        {
          session_id: "conv-1",
          user_id: "u-2",
          first_seen: T0,
          last_seen: T0 + 2 * MIN,
          trace_count: 3,
          span_count: 4,
          cost_usd: 0.6,
          error_count: 2,
          quality_avg: 0.583333,
        },
      ];
      assert.deepEqual(r, { sessions: expected, hasMore: false });
      const detail = await s.sessions.getSession("conv-1");
      assert.deepEqual({ ...detail, traces: undefined }, { ...expected[1], traces: undefined });
      assert.equal(await s.sessions.getSession("conv-3"), null);
      assert.equal(await s.sessions.getSession("'; DROP TABLE spans; --"), null);
    },
  );

  withStore(
    "sessions/{id}: traces oldest first, each summarised by its root, cost over the whole trace, with scores",
    async (s) => {
      const [a, b] = [id(), id()];
      const root = step({
        trace_id: b,
        span_id: "root",
        name: "chat turn",
        started_at: T0 + HOUR,
        latency_ms: 4000,
        status: "error",
      });
      await s.insert([
        call("conv-é", "u", { trace_id: b, parent_span_id: "root", started_at: T0 + HOUR + 10, cost_usd: 0.1 }),
        root,
        // a span of the trace without the session still counts in the trace's cost
        call(null, null, { trace_id: b, parent_span_id: "root", started_at: T0 + HOUR + 20, cost_usd: 0.2 }),
        call("conv-é", "u", { trace_id: a, name: "first", started_at: T0, latency_ms: 900, cost_usd: null }),
      ]);
      const first = scoreRow({ trace_id: b, created_at: T0 + 2 * HOUR, value: true });
      const second = scoreRow({ trace_id: b, created_at: T0 + HOUR, value: null, label: "good" });
      await s.scores.upsertScores([first, second, scoreRow()]);
      const d = await s.sessions.getSession("conv-é");
      assert.deepEqual(d?.traces, [
        { trace_id: a, name: "first", started_at: T0, cost_usd: null, latency_ms: 900, status: "ok", scores: [] },
        {
          trace_id: b,
          name: "chat turn",
          started_at: T0 + HOUR,
          cost_usd: 0.3,
          latency_ms: 4000,
          status: "error",
          scores: [second, first],
        },
      ]);
      assert.deepEqual([d?.span_count, d?.cost_usd, d?.trace_count], [2, 0.1, 2]);
    },
  );

  withStore("sessions: window edge, whole-session figures, cursor pages without gaps or repeats", async (s) => {
    const since = T0;
    const spans: Span[] = [
      // last span exactly at the edge: out (the window is left-open like /metrics)
      call("edge", "u", { started_at: since }),
      // began before the window, active in it: in, figures over all its spans
      call("long", "u", { started_at: since - 2 * DAY, cost_usd: 1 }),
      call("long", "u", { started_at: since + 1, cost_usd: 2 }),
    ];
    // ties on last_seen, ids ordered byte-wise (é, U+E000 and an astral character)
    const names = ["a", "b", "B", "é", "\uE000", "🚀", "z-1", "z-10", "z-2"];
    names.forEach((n, i) => {
      spans.push(call(n, "u", { started_at: since + (i % 3) * MIN + 5 }));
    });
    await s.insert(spans);
    const keys = [
      { sessionId: "long", lastSeen: since + 1 },
      ...names.map((n, i) => ({ sessionId: n, lastSeen: since + (i % 3) * MIN + 5 })),
    ];
    const expected = keys
      .sort((x, y) => y.lastSeen - x.lastSeen || byCodePoint(y.sessionId, x.sessionId))
      .map((k) => k.sessionId);
    for (const limit of [1, 2, 3, 20]) assert.deepEqual(await allPages(s, since, limit), expected);
    const long = (await s.sessions.listSessions({ since, limit: 20 })).sessions.find((x) => x.session_id === "long");
    assert.deepEqual([long?.first_seen, long?.cost_usd, long?.span_count], [since - 2 * DAY, 3, 2]);
    assert.equal((await s.sessions.listSessions({ since: since - 1, limit: 20 })).sessions.length, 11);
  });

  withStore("sessions: user_id= lists the sessions whose user is that one, paged", async (s) => {
    await s.insert([
      call("s1", "alice", { started_at: T0 }),
      call("s2", "alice", { started_at: T0 + 1 }),
      // alice's span, but the session's latest user is bob: bob's session
      call("s3", "alice", { started_at: T0 + 2 }),
      call("s3", "bob", { started_at: T0 + 3 }),
      // alice's only span is before the window; the session is active in it: alice's
      call("s4", "alice", { started_at: T0 - DAY }),
      call("s4", null, { started_at: T0 + 4 }),
      call("s5", "bob", { started_at: T0 + 5 }),
      call("s6", "alice", { started_at: T0 - 2 * DAY }),
    ]);
    for (const limit of [1, 2, 10]) {
      assert.deepEqual(await allPages(s, T0 - HOUR, limit, "alice"), ["s4", "s2", "s1"]);
      assert.deepEqual(await allPages(s, T0 - HOUR, limit, "bob"), ["s5", "s3"]);
    }
    assert.deepEqual(await allPages(s, T0 - HOUR, 10, "carol"), []);
  });

  withStore("sessions: a span sent twice counts once; retention drops old spans from every figure", async (s) => {
    const old = call("conv", "u-old", { started_at: T0 - 3 * DAY, cost_usd: 1 });
    const recent = call("conv", null, { started_at: T0, cost_usd: 0.5 });
    await s.insert([old, recent]);
    await s.insert([old, recent]);
    let d = await s.sessions.getSession("conv");
    assert.deepEqual([d?.span_count, d?.cost_usd, d?.user_id, d?.traces.length], [2, 1.5, "u-old", 2]);
    await s.deleteBefore(T0 - DAY);
    d = await s.sessions.getSession("conv");
    assert.deepEqual([d?.span_count, d?.cost_usd, d?.user_id, d?.first_seen, d?.traces.length], [1, 0.5, null, T0, 1]);
    await s.deleteBefore(T0 + 1);
    assert.equal(await s.sessions.getSession("conv"), null);
    assert.deepEqual(await s.sessions.listSessions({ since: 0, limit: 20 }), { sessions: [], hasMore: false });
  });

  withStore(
    "users: exact figures over the window's spans, each sort descending with user_id breaking ties",
    async (s) => {
      await s.insert([
        call("a1", "ann", { started_at: T0, cost_usd: 0.1, total_tokens: 10, eval_score: 0.9 }),
        call("a2", "ann", { started_at: T0 + MIN, cost_usd: 0.2, total_tokens: 20, status: "error", eval_score: 0.6 }),
        step({ user_id: "ann", session_id: "a2", started_at: T0 + 2 * MIN, status: "error" }),
        call(null, "bob", { started_at: T0 + 3 * MIN, cost_usd: 0.3, total_tokens: 5, status: "timeout" }),
        call("c1", "cat", { started_at: T0 + 4 * MIN, cost_usd: null, total_tokens: 7 }),
        call("d1", "dan", { started_at: T0 + 5 * MIN, cost_usd: 0.3, total_tokens: 1 }),
        // outside [from, to): before and at the end
        call("a1", "ann", { started_at: T0 - 2 * DAY, cost_usd: 5 }),
        call("a1", "ann", { started_at: T0 + DAY, cost_usd: 5 }),
        call("x", null, { started_at: T0 }),
      ]);
      const ann = {
        user_id: "ann",
        span_count: 2,
        session_count: 2,
        cost_usd: 0.3,
        total_tokens: 30,
        error_count: 1,
        quality_avg: 0.75,
        last_seen: T0 + 2 * MIN,
      };
      const bob = {
        ...ann,
        user_id: "bob",
        span_count: 1,
        session_count: 0,
        total_tokens: 5,
        quality_avg: null,
        last_seen: T0 + 3 * MIN,
      };
      const cat = {
        ...bob,
        user_id: "cat",
        session_count: 1,
        cost_usd: null,
        total_tokens: 7,
        error_count: 0,
        last_seen: T0 + 4 * MIN,
      };
      const dan = { ...cat, user_id: "dan", cost_usd: 0.3, total_tokens: 1, last_seen: T0 + 5 * MIN };
      assert.deepEqual(await users(s), [ann, bob, dan, cat]);
      assert.deepEqual(await users(s, { sort: "spans" }), [ann, bob, cat, dan]);
      assert.deepEqual(await users(s, { sort: "errors" }), [ann, bob, cat, dan]);
      assert.deepEqual(await users(s, { sort: "last_seen", limit: 2 }), [dan, cat]);
      assert.deepEqual(await users(s, { from: T0 + 4 * MIN, to: T0 + 5 * MIN }), [cat]);
    },
  );
}
