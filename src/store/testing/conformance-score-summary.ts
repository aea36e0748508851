// Conformance, score summaries: GET /metrics/scores, score alert rules and the Prometheus seed
// read these (docs/metrics.md#get-metricsscores), the same on every driver.
import assert from "node:assert/strict";
import type { ScoreSummaryRow } from "../../score/types.js";
import { quantileSorted, sortedCopy } from "../../stats/percentile.js";
import { prng } from "../../util/random.js";
import { DAY, id, MIN, scoreRow, span, T0 } from "./conformance-fixtures.js";
import type { WithStore } from "./conformance-lifecycle.js";

const row = (o: Partial<ScoreSummaryRow> & Pick<ScoreSummaryRow, "name">): ScoreSummaryRow => ({
  group: null,
  count: 0,
  value_count: 0,
  sum: 0,
  min: null,
  max: null,
  p10: null,
  labels: {},
  ...o,
});

/** Registers the score summary tests (called by scoreTests). */
export function scoreSummaryTests(withStore: WithStore): void {
  withStore("score summary: upsert resolves with the scores whose id was not stored", async (s) => {
    const a = scoreRow();
    const b = scoreRow();
    assert.deepEqual(await s.scores.upsertScores([a]), [a]);
    const a2 = { ...a, value: 0.1 };
    const c = scoreRow();
    // a replaced, b new (twice in the batch: once, its last), c new
    assert.deepEqual(await s.scores.upsertScores([b, a2, { ...b, value: 0.5 }, c]), [{ ...b, value: 0.5 }, c]);
    assert.deepEqual(await s.scores.upsertScores([]), []);
    await s.scores.deleteScore(c.score_id);
    assert.deepEqual(await s.scores.upsertScores([c]), [c]);
  });

  withStore("score summary: per name; booleans are 1/0, labels count apart, window holds both ends", async (s) => {
    await s.scores.upsertScores([
      scoreRow({ name: "helpful", value: 0.5, created_at: T0 - DAY }),
      scoreRow({ name: "helpful", value: 1, created_at: T0 }),
      scoreRow({ name: "helpful", value: null, label: "great", created_at: T0 }),
      scoreRow({ name: "helpful", value: null, label: "great", created_at: T0 }),
      scoreRow({ name: "helpful", value: null, label: "meh", created_at: T0 }),
      scoreRow({ name: "thumbs", value: true, created_at: T0 - MIN }),
      scoreRow({ name: "thumbs", value: false, created_at: T0 - MIN }),
      scoreRow({ name: "thumbs", value: true, created_at: T0 - MIN }),
      scoreRow({ name: "topic", value: null, label: "billing", created_at: T0 }),
      scoreRow({ name: "helpful", value: 0.25, created_at: T0 - DAY - 1 }),
      scoreRow({ name: "helpful", value: 0.25, created_at: T0 + 1 }),
    ]);
    const all = await s.scores.summarizeScores({ since: T0 - DAY, until: T0 });
    assert.deepEqual(all, [
      row({
        name: "helpful",
        count: 5,
        value_count: 2,
        sum: 1.5,
        min: 0.5,
        max: 1,
        p10: 0.55,
        labels: { great: 2, meh: 1 },
      }),
      row({ name: "thumbs", count: 3, value_count: 3, sum: 2, min: 0, max: 1, p10: 0.2 }),
      row({ name: "topic", count: 1, labels: { billing: 1 } }),
    ]);
    const one = await s.scores.summarizeScores({ since: T0 - DAY, until: T0, name: "thumbs" });
    assert.deepEqual(one, [all[1]]);
    assert.deepEqual(await s.scores.summarizeScores({ since: T0 - DAY, until: T0, name: "nope" }), []);
    assert.deepEqual(await s.scores.summarizeScores({ since: T0 + 2, until: T0 + DAY }), []);
  });

  withStore("score summary: group by the scored span, or the trace's root span; none stored is (none)", async (s) => {
    const t1 = id();
    const root = span({ trace_id: t1, model: "gpt-4o", caller: "chat", user_id: "u1", started_at: T0 - 5 * MIN });
    const child = span({
      trace_id: t1,
      parent_span_id: root.span_id,
      model: "claude",
      caller: null,
      user_id: "u2",
      started_at: T0,
    });
    // a second root that starts later loses to the first
    const late = span({ trace_id: t1, model: "late-root", started_at: T0 - MIN });
    const t2 = id();
    const plain = span({ trace_id: t2, model: null, provider: null, caller: "batch" });
    await s.insert([child, root, late, plain]);
    await s.scores.upsertScores([
      scoreRow({ trace_id: t1, value: 1 }), // root: gpt-4o / chat
      scoreRow({ trace_id: t1, span_id: child.span_id, value: 0 }), // claude / (none)
      scoreRow({ trace_id: t1, span_id: id(), value: 0.5 }), // its span is not stored
      scoreRow({ trace_id: id(), value: null, label: "early" }), // its trace is not stored
      scoreRow({ trace_id: t2, value: 0.25 }), // a root without a model
    ]);
    const q = { since: T0 - DAY, until: T0 + DAY };
    const byModel = await s.scores.summarizeScores({ ...q, groupBy: { column: "model" } });
    assert.deepEqual(
      byModel.map((r) => [r.group, r.count, r.sum]),
      [
        ["(none)", 3, 0.75],
        ["claude", 1, 0],
        ["gpt-4o", 1, 1],
      ],
    );
    assert.deepEqual(byModel[0].labels, { early: 1 });
    const byUser = await s.scores.summarizeScores({ ...q, groupBy: { column: "user_id" } });
    assert.deepEqual(
      byUser.map((r) => [r.group, r.count]),
      [
        ["(none)", 3],
        ["u1", 1],
        ["u2", 1],
      ],
    );
    const u2 = await s.scores.summarizeScores({ ...q, filter: { user_id: "u2" } });
    assert.deepEqual(
      u2.map((r) => [r.name, r.count, r.sum]),
      [["helpfulness", 1, 0]],
    );
    const byCaller = await s.scores.summarizeScores({ ...q, groupBy: { column: "caller" } });
    assert.deepEqual(
      byCaller.map((r) => [r.group, r.count]),
      [
        ["(none)", 3],
        ["batch", 1],
        ["chat", 1],
      ],
    );
    const kept = await s.scores.summarizeScores({ ...q, groupBy: { column: "model", keep: ["gpt-4o", "(none)"] } });
    assert.deepEqual(
      kept.map((r) => [r.group, r.count]),
      [
        ["(none)", 3],
        ["(other)", 1],
        ["gpt-4o", 1],
      ],
    );
    const filtered = await s.scores.summarizeScores({ ...q, filter: { model: "gpt-4o", caller: "chat" } });
    assert.deepEqual(filtered, [
      row({ name: "helpfulness", count: 1, value_count: 1, sum: 1, min: 1, max: 1, p10: 1 }),
    ]);
    assert.deepEqual(
      await s.scores.summarizeScores({ ...q, filter: { caller: "batch" }, groupBy: { column: "model" } }),
      [
        row({
          name: "helpfulness",
          group: "(none)",
          count: 1,
          value_count: 1,
          sum: 0.25,
          min: 0.25,
          max: 0.25,
          p10: 0.25,
        }),
      ],
    );
  });

  withStore("score summary: p10 is exact (linear interpolation), on ties and many values", async (s) => {
    const rnd = prng(14);
    const values = Array.from({ length: 503 }, (_, i) => (i % 5 === 0 ? 0.5 : Math.round(rnd() * 1000) / 100));
    await s.scores.upsertScores(values.map((v, i) => scoreRow({ name: "q", value: v, created_at: T0 + i })));
    const [r] = await s.scores.summarizeScores({ since: T0, until: T0 + DAY });
    const sorted = sortedCopy(values);
    assert.equal(r.value_count, 503);
    assert.equal(r.min, sorted[0]);
    assert.equal(r.max, sorted[502]);
    assert.ok(Math.abs((r.p10 as number) - (quantileSorted(sorted, 0.1) as number)) < 1e-9, String(r.p10));
  });

  withStore("score summary: the Prometheus seed counts every stored value per name, cumulatively", async (s) => {
    await s.scores.upsertScores([
      scoreRow({ name: "a", value: -1, created_at: T0 - 40 * DAY }),
      scoreRow({ name: "a", value: 0.1 }),
      scoreRow({ name: "a", value: 3 }),
      scoreRow({ name: "a", value: null, label: "x" }),
      scoreRow({ name: "b", value: true }),
      scoreRow({ name: "b", value: false }),
      scoreRow({ name: "c", value: null, label: "y" }),
    ]);
    const rows = await s.scores.scoreBuckets([0, 0.1, 1, 5]);
    assert.ok(Math.abs(rows[0].sum - 2.1) < 1e-12, String(rows[0].sum));
    assert.deepEqual(rows, [
      { name: "a", count: 3, sum: rows[0].sum, buckets: [1, 2, 2, 3] },
      { name: "b", count: 2, sum: 1, buckets: [1, 1, 2, 2] },
    ]);
  });
}
