// Conformance, scores part: the scores table every driver keeps (POST /scores, docs/scores.md).
import assert from "node:assert/strict";
import { DAY, id, MIN, scoreRow, span, T0 } from "./conformance-fixtures.js";
import type { ConformanceOptions, WithStore } from "./conformance-lifecycle.js";
import { scoreSummaryTests } from "./conformance-score-summary.js";

/** Registers the score tests (called by runStoreConformance). */
export function scoreTests(withStore: WithStore, opts: ConformanceOptions): void {
  withStore("scores: round-trip every kind of value and field, a trace's oldest first", async (s) => {
    const trace = id();
    const rows = [
      scoreRow({ trace_id: trace, created_at: T0 + 3, value: true, source: "human", span_id: id() }),
      scoreRow({ trace_id: trace, created_at: T0 + 1, value: false, source: "rule" }),
      scoreRow({
        trace_id: trace,
        created_at: T0 + 2,
        value: null,
        label: "off-topic résumé 要約 🚀",
        comment: "'quoted' \"double\" \\ \n\t",
        source: "llm",
        span_id: "a1b2c3d4e5f60718",
      }),
      scoreRow({ trace_id: trace, created_at: T0 + 2, value: -12345678.125, comment: "" }),
      scoreRow({ trace_id: trace, created_at: T0, value: 2 ** 53 - 1 }),
      scoreRow({ trace_id: trace, created_at: T0, value: 1e-300 }),
      scoreRow({ trace_id: trace, created_at: T0 + 4, value: 0 }),
    ];
    await s.scores.upsertScores(rows);
    await s.scores.upsertScores([scoreRow()]);
    const [big, tiny, f, third, neg, t, zero] = [rows[4], rows[5], rows[1], rows[2], rows[3], rows[0], rows[6]];
    // ties on created_at go by score_id
    const sameMs = [third, neg].sort((a, b) => (a.score_id < b.score_id ? -1 : 1));
    assert.deepEqual(await s.scores.traceScores(trace), [big, tiny, f, ...sameMs, t, zero]);
    assert.deepEqual(await s.scores.traceScores(id()), []);
    assert.deepEqual(await s.scores.traceScores("'; DROP TABLE scores; --"), []);
  });

  withStore("scores: an id sent again replaces its score, also twice in one batch", async (s) => {
    const first = scoreRow();
    const again = { ...first, value: null, label: "bad", comment: "changed my mind", created_at: T0 + MIN };
    await s.scores.upsertScores([first]);
    await s.scores.upsertScores([again]);
    assert.deepEqual(await s.scores.traceScores(first.trace_id), [again]);
    const b = scoreRow();
    await s.scores.upsertScores([
      b,
      { ...b, value: 0.25 },
      scoreRow({ trace_id: b.trace_id, score_id: "other", created_at: T0 + 1 }),
    ]);
    const got = await s.scores.traceScores(b.trace_id);
    assert.deepEqual(
      got.map((x) => [x.score_id, x.value]),
      [
        [b.score_id, 0.25],
        ["other", 0.75],
      ],
    );
    // the same id on another trace moves the score there
    const moved = { ...b, trace_id: id() };
    await s.scores.upsertScores([moved]);
    assert.deepEqual(await s.scores.traceScores(moved.trace_id), [moved]);
    assert.deepEqual(
      (await s.scores.traceScores(b.trace_id)).map((x) => x.score_id),
      ["other"],
    );
  });

  withStore("scores: a score that arrives before its trace is kept and found once the spans are in", async (s) => {
    const trace = id();
    const early = scoreRow({ trace_id: trace });
    await s.scores.upsertScores([early]);
    assert.deepEqual(await s.getTrace(trace), []);
    await s.insert([span({ trace_id: trace })]);
    assert.equal((await s.getTrace(trace)).length, 1);
    assert.deepEqual(await s.scores.traceScores(trace), [early]);
  });

  withStore("scores: delete by id says whether it existed", async (s) => {
    const a = scoreRow();
    const b = scoreRow({ trace_id: a.trace_id, created_at: T0 + 1 });
    await s.scores.upsertScores([a, b]);
    assert.equal(await s.scores.deleteScore(a.score_id), true);
    assert.equal(await s.scores.deleteScore(a.score_id), false);
    assert.equal(await s.scores.deleteScore("no-such-score"), false);
    assert.equal(await s.scores.deleteScore("'; DELETE FROM scores; --"), false);
    assert.deepEqual(await s.scores.traceScores(a.trace_id), [b]);
  });

  withStore("scores: list by trace and/or name within the window, newest first, limited", async (s) => {
    const t1 = id();
    const t2 = id();
    const rows = [
      scoreRow({ trace_id: t1, name: "helpfulness", created_at: T0 - 2 * MIN }),
      scoreRow({ trace_id: t1, name: "thumbs", value: true, created_at: T0 - MIN }),
      scoreRow({ trace_id: t2, name: "helpfulness", created_at: T0 }),
      scoreRow({ trace_id: t2, name: "thumbs", value: false, created_at: T0 + MIN }),
      scoreRow({ trace_id: t1, name: "helpfulness", created_at: T0 - 2 * DAY }),
    ];
    await s.scores.upsertScores(rows);
    const list = (o: { traceId?: string; name?: string; since?: number; until?: number; limit?: number }) =>
      s.scores.listScores({ since: T0 - DAY, until: T0 + DAY, limit: 100, ...o }).then((r) => r.map((x) => x.score_id));
    const idOf = (i: number) => rows[i].score_id;
    assert.deepEqual(await list({}), [idOf(3), idOf(2), idOf(1), idOf(0)]);
    assert.deepEqual(await list({ traceId: t1 }), [idOf(1), idOf(0)]);
    assert.deepEqual(await list({ name: "helpfulness" }), [idOf(2), idOf(0)]);
    assert.deepEqual(await list({ traceId: t2, name: "thumbs" }), [idOf(3)]);
    assert.deepEqual(await list({ name: "no-such-name" }), []);
    assert.deepEqual(await list({ limit: 2 }), [idOf(3), idOf(2)]);
    // the window holds both of its ends
    assert.deepEqual(await list({ since: T0 - MIN, until: T0 }), [idOf(2), idOf(1)]);
    assert.deepEqual(await list({ traceId: t1, since: T0 - 3 * DAY }), [idOf(1), idOf(0), idOf(4)]);
    const full = await s.scores.listScores({ traceId: t2, since: T0, until: T0, limit: 1 });
    assert.deepEqual(full, [rows[2]]);
  });

  withStore("scores: list by session: the scores of the traces whose spans carry the session_id", async (s) => {
    const [t1, t2, t3] = [id(), id(), id()];
    await s.insert([
      span({ trace_id: t1, session_id: "conv-1" }),
      // a trace with a span of the session and one without: in the session
      span({ trace_id: t2, session_id: null }),
      span({ trace_id: t2, session_id: "conv-1" }),
      span({ trace_id: t3, session_id: "conv-2" }),
    ]);
    const rows = [
      scoreRow({ trace_id: t1, created_at: T0 - MIN }),
      scoreRow({ trace_id: t2, created_at: T0 }),
      scoreRow({ trace_id: t3, created_at: T0 + MIN }),
      // its trace is not stored yet: in no session
      scoreRow({ trace_id: id(), created_at: T0 }),
    ];
    await s.scores.upsertScores(rows);
    const list = (sessionId: string, name?: string) =>
      s.scores
        .listScores({ sessionId, name, since: T0 - DAY, until: T0 + DAY, limit: 100 })
        .then((r) => r.map((x) => x.score_id));
    assert.deepEqual(await list("conv-1"), [rows[1].score_id, rows[0].score_id]);
    assert.deepEqual(await list("conv-2"), [rows[2].score_id]);
    assert.deepEqual(await list("conv-2", "other-name"), []);
    assert.deepEqual(await list("no-such-session"), []);
  });

  withStore("scores: retention deletes those created before the cut-off and counts them", async (s) => {
    const old = scoreRow({ created_at: T0 - 31 * DAY });
    const edge = scoreRow({ created_at: T0 - 30 * DAY });
    const fresh = scoreRow({ created_at: T0 });
    await s.scores.upsertScores([old, edge, fresh]);
    assert.equal(await s.scores.deleteScoresBefore(T0 - 30 * DAY), 1);
    assert.equal(await s.scores.deleteScoresBefore(T0 - 30 * DAY), 0);
    const left = await s.scores.listScores({ since: 0, until: T0 + DAY, limit: 10 });
    assert.deepEqual(left, [fresh, edge]);
  });

  withStore("scores: a batch of thousands is stored whole", async (s) => {
    const trace = id();
    const rows = Array.from({ length: 7000 }, (_, i) =>
      scoreRow({ trace_id: trace, created_at: T0 + i, value: i % 3 === 0 ? i % 2 === 0 : i / 7 }),
    );
    await s.scores.upsertScores(rows);
    assert.deepEqual(await s.scores.traceScores(trace), rows);
    const newest = await s.scores.listScores({ traceId: trace, since: T0, until: T0 + DAY, limit: 1000 });
    assert.deepEqual(newest, rows.slice(-1000).reverse());
  });

  scoreSummaryTests(withStore);

  if (opts.durable) {
    withStore("scores: committed scores survive close and reopen", async (s, o) => {
      const a = scoreRow({ value: null, label: "good" });
      await s.scores.upsertScores([a]);
      await s.close();
      const again = await (o.reopen as () => Promise<typeof s>)();
      assert.deepEqual(await again.scores.traceScores(a.trace_id), [a]);
    });
  }
}
