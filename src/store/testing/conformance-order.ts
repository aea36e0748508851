// Conformance, search order: newest trace start first, exact across search strategies.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import type { TraceQuery } from "../store.js";
import { DAY, id, ids, MIN, q, randomTraces, referenceSearch, span, T0 } from "./conformance-fixtures.js";
import type { WithStore } from "./conformance-lifecycle.js";

/** Registers the ordering tests (called by runStoreConformance). */
export function orderTests(withStore: WithStore): void {
  withStore("newest trace start first, the start being a trace's earliest span", async (s) => {
    const early = id();
    const late = id();
    // `early` starts first (a non-matching root) but its matching child is the newest span.
    await s.insert([
      span({ trace_id: early, started_at: T0, attributes: {} }),
      span({ trace_id: early, started_at: T0 + 10 * MIN, attributes: { k: "v" } }),
      span({ trace_id: late, started_at: T0 + 5 * MIN, attributes: { k: "v" } }),
    ]);
    const r = await s.searchTraces(q({ attrs: { k: "v" } }));
    assert.deepEqual(ids(r.traces), [late, early]);
    assert.deepEqual(
      r.traces[1].map((x) => x.started_at),
      [T0, T0 + 10 * MIN],
    );
  });

  withStore("order stays exact when matching spans are newer than their trace's start", async (s) => {
    // Six traces whose matching child is newest but whose root started 30 min ago, and
    // one single-span trace 20 min ago: by trace start that one comes first.
    const spans: Span[] = [];
    const older: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const t = id();
      older.push(t);
      spans.push(span({ trace_id: t, caller: "other", started_at: T0 - 30 * MIN }));
      spans.push(span({ trace_id: t, caller: "hit", started_at: T0 - i * MIN }));
    }
    const newest = span({ caller: "hit", started_at: T0 - 20 * MIN });
    await s.insert([...spans, newest]);
    const r = await s.searchTraces(q({ caller: "hit", limit: 1 }));
    assert.deepEqual([ids(r.traces), r.hasMore], [[newest.trace_id], true]);
    const all = await s.searchTraces(q({ caller: "hit" }));
    assert.deepEqual(ids(all.traces), [newest.trace_id, ...older.sort().reverse()]);
  });

  withStore("order stays exact when a match is far newer than its trace's start", async (s) => {
    // Two traces started 5 h ago with a match 1-2 min ago, one trace matching 3 h ago.
    const a = id();
    const b = id();
    const middle = span({ caller: "hit", started_at: T0 - 180 * MIN });
    await s.insert([
      span({ trace_id: a, caller: "other", started_at: T0 - 300 * MIN }),
      span({ trace_id: a, caller: "hit", started_at: T0 - MIN }),
      span({ trace_id: b, caller: "other", started_at: T0 - 300 * MIN }),
      span({ trace_id: b, caller: "hit", started_at: T0 - 2 * MIN }),
      middle,
    ]);
    const r = await s.searchTraces(q({ caller: "hit", limit: 1 }));
    assert.deepEqual([ids(r.traces), r.hasMore], [[middle.trace_id], true]);
    const all = await s.searchTraces(q({ caller: "hit" }));
    assert.deepEqual(ids(all.traces), [middle.trace_id, ...[a, b].sort().reverse()]);
  });

  withStore("search agrees with a brute-force reference on random data", async (s) => {
    const all = randomTraces(7, 400);
    for (let i = 0; i < all.length; i += 100) await s.insert(all.slice(i, i + 100));
    const queries: Partial<TraceQuery>[] = [
      {},
      { limit: 7 },
      { limit: 50, offset: 3 },
      { limit: 200, offset: 150 },
      { model: "gpt-4o", limit: 5 },
      { status: "error", limit: 30 },
      { caller: "api", provider: "openai" },
      { attrs: { workflow: "rag" }, limit: 3 },
      { attrs: { workflow: "eval", n: "2" }, limit: 40, offset: 10 },
      { attrs: { flag: "true" }, status: "timeout" },
      { since: T0 - 10 * DAY, limit: 30 },
      { until: T0 - 20 * DAY, limit: 5, offset: 5 },
      { since: T0 - 30 * DAY, until: T0 - 29 * DAY },
      { until: T0 - 39 * DAY, attrs: { workflow: "chat" } },
      { attrs: { rare: "yes" }, limit: 5, offset: 3 },
      { attrs: { rare: "yes", workflow: "rag" } },
      { attrs: { rare: "yes" }, since: T0 - 20 * DAY, status: "ok" },
    ];
    for (const o of queries) {
      assert.deepEqual(await s.searchTraces(q(o)), referenceSearch(all, q(o)), JSON.stringify(o));
    }
  });
}
