// Conformance, cursor paging: walking every page after a cursor lists exactly the traces of
// one big listing, in order, none skipped or repeated, even when traces match after their start.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import { prng } from "../../util/random.js";
import type { Store, TraceQuery } from "../store.js";
import { DAY, id, ids, MIN, q, randomTraces, referenceSearch, span, T0 } from "./conformance-fixtures.js";
import type { WithStore } from "./conformance-lifecycle.js";

/**
 * Traces packed into a few hours: starts on whole minutes (many ties), a root that often
 * does not match the filters and children that do, up to 90 minutes after the start, so
 * a trace's matching span is often newer than later traces' starts.
 */
function straddlingTraces(seed: number, traces: number): Span[] {
  const r = prng(seed);
  const out: Span[] = [];
  for (let t = 0; t < traces; t++) {
    const trace = id(seed);
    const start = T0 - Math.floor(r() * 240) * MIN;
    const hit = r() < 0.5;
    out.push(span({ trace_id: trace, started_at: start, caller: r() < 0.3 ? "hit" : "other" }));
    for (let i = Math.floor(r() * 3); i > 0; i--) {
      const at = start + Math.floor(r() * 90) * MIN;
      out.push(span({ trace_id: trace, started_at: at, caller: hit ? "hit" : "other", attributes: { k: "v" } }));
    }
  }
  return out;
}

/** Every page of `o` with this limit, following next cursors from the first page. */
async function walk(s: Store, o: Partial<TraceQuery>, limit: number): Promise<string[]> {
  const out: string[] = [];
  let after: TraceQuery["after"];
  for (let pages = 0; pages < 1000; pages++) {
    const r = await s.searchTraces(q({ ...o, limit, after }));
    out.push(...ids(r.traces));
    if (!r.hasMore) return out;
    const last = r.traces[r.traces.length - 1];
    after = { start: last[0].started_at, traceId: last[0].trace_id };
  }
  throw new Error("no last page after 1000 pages");
}

/** Registers the cursor tests (called by runStoreConformance). */
export function cursorTests(withStore: WithStore): void {
  withStore(
    "a cursor continues strictly after the last trace, traces matching after their start included",
    async (s) => {
      const all = straddlingTraces(11, 150);
      for (let i = 0; i < all.length; i += 100) await s.insert(all.slice(i, i + 100));
      const queries: Partial<TraceQuery>[] = [
        {},
        { caller: "hit" },
        { attrs: { k: "v" } },
        { caller: "hit", since: T0 - 120 * MIN },
        { until: T0 - 60 * MIN, attrs: { k: "v" } },
      ];
      for (const o of queries) {
        const whole = ids(referenceSearch(all, q({ ...o, limit: 10_000 })).traces);
        assert.deepEqual(ids((await s.searchTraces(q({ ...o, limit: 1000 }))).traces), whole, JSON.stringify(o));
        for (const limit of [1, 3, 7]) {
          assert.deepEqual(await walk(s, o, limit), whole, `${JSON.stringify(o)} limit ${limit}`);
        }
      }
    },
  );

  withStore("cursor paging agrees with one big listing on random traces", async (s) => {
    const all = randomTraces(23, 300);
    for (let i = 0; i < all.length; i += 100) await s.insert(all.slice(i, i + 100));
    const queries: Partial<TraceQuery>[] = [
      {},
      { model: "gpt-4o" },
      { status: "error" },
      { attrs: { workflow: "rag" } },
      { attrs: { rare: "yes" } },
      { since: T0 - 10 * DAY, caller: "api" },
    ];
    for (const o of queries) {
      const whole = ids(referenceSearch(all, q({ ...o, limit: 10_000 })).traces);
      for (const limit of [2, 9]) {
        assert.deepEqual(await walk(s, o, limit), whole, `${JSON.stringify(o)} limit ${limit}`);
      }
    }
  });
}
