// Conformance, export pages: keyset order, bounds, filters and commit times, on every driver.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import type { ExportCursor, ExportQuery, Store } from "../store.js";
import { id, MIN, span, T0 } from "./conformance-fixtures.js";
import type { WithStore } from "./conformance-lifecycle.js";

async function all(s: Store, q: Omit<ExportQuery, "after" | "limit">, limit: number): Promise<Span[]> {
  const out: Span[] = [];
  let after: ExportCursor | undefined;
  for (;;) {
    const page = await s.exportPage({ ...q, after, limit });
    assert.ok(page.length <= limit);
    out.push(...page);
    if (page.length < limit) return out;
    const last = page[page.length - 1];
    after = { started_at: last.started_at, trace_id: last.trace_id, span_id: last.span_id };
  }
}

const key = (x: Span) => `${String(x.started_at).padStart(15, "0")}|${x.trace_id}|${x.span_id}`;

/** Registers the export tests (called by runStoreConformance). */
export function exportTests(withStore: WithStore): void {
  withStore("exportPage walks every span once in (started_at, trace_id, span_id) order across pages", async (s) => {
    const spans: Span[] = [];
    // Ties on started_at and on trace_id, so the keyset must use all three columns.
    for (let i = 0; i < 23; i++) {
      spans.push(span({ trace_id: id(i % 3), started_at: T0 + (i % 4) * MIN }));
    }
    spans.push(span({ model: null, provider: null, cost_usd: null, started_at: T0 + 2 * MIN }));
    await s.insert(spans);
    const got = await all(s, { filter: {} }, 5);
    assert.deepEqual(got.map(key), spans.map(key).sort());
    assert.deepEqual(
      got.find((x) => x.model === null),
      spans.find((x) => x.model === null),
    );
  });

  withStore("exportPage bounds started_at as [since, until) and applies the filter", async (s) => {
    const at = (m: number, model = "gpt-4o") => span({ started_at: T0 + m * MIN, model });
    const spans = [at(0), at(1), at(2, "gpt-4o-mini"), at(3), at(4)];
    await s.insert(spans);
    const got = await all(s, { since: T0 + MIN, until: T0 + 4 * MIN, filter: { model: "gpt-4o" } }, 100);
    assert.deepEqual(got.map(key), [spans[1], spans[3]].map(key));
  });

  withStore("commit times: firstIngestedAt and ingested bounds follow when spans were inserted", async (s) => {
    const before = Date.now();
    assert.equal(await s.firstIngestedAt(0), null);
    const early = span({ started_at: T0 + 10 * MIN });
    await s.insert([early]);
    const first = await s.firstIngestedAt(0);
    assert.ok(first !== null && first >= before - 1000 && first <= Date.now() + 1000, `first ${first}`);
    await new Promise((r) => setTimeout(r, 20));
    const cut = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    // A late span: it started before the first one but was committed after the cut.
    const late = span({ started_at: T0 });
    await s.insert([late]);
    assert.deepEqual((await all(s, { ingestedTo: cut, filter: {} }, 10)).map(key), [key(early)]);
    assert.deepEqual((await all(s, { ingestedFrom: cut, filter: {} }, 10)).map(key), [key(late)]);
    const next = await s.firstIngestedAt(cut);
    assert.ok(next !== null && next >= cut, `next ${next}`);
    assert.equal(await s.firstIngestedAt(Date.now() + 60_000), null);
  });
}
