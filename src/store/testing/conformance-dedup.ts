// Conformance: exactly once by span identity. A span whose (trace_id, span_id) is already
// stored, or came earlier in the same batch, is not stored again, and no metric counts it twice.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import { LATENCY_LE, QUALITY_LE } from "../rollup/fields.js";
import type { Store } from "../store.js";
import { DAY, id, span } from "./conformance-fixtures.js";
import type { ConformanceOptions, WithStore } from "./conformance-lifecycle.js";

const DAY0 = Date.UTC(2026, 0, 20);
const HOUR = 3_600_000;

/** Spans over two days, several models and statuses, exact costs; one non-LLM span. */
function batch(): Span[] {
  const models = ["gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash"];
  const out: Span[] = [];
  for (let i = 0; i < 24; i++) {
    const started = DAY0 + i * 2 * HOUR + i * 61_000;
    out.push(
      span({
        model: models[i % 3],
        provider: ["openai", "anthropic", "google"][i % 3],
        status: i % 7 === 0 ? "error" : "ok",
        cost_usd: (i % 4) * 0.125,
        prompt_tokens: 100 + i,
        comp_tokens: 10 + i,
        total_tokens: 110 + 2 * i,
        latency_ms: 100 + 37 * i,
        ttft_ms: i % 2 === 0 ? 20 + i : null,
        eval_score: i % 3 === 0 ? (i % 10) / 10 : null,
        started_at: started,
        ended_at: started + 100 + 37 * i,
        attributes: { workflow: i % 2 === 0 ? "chat" : "rag" },
      }),
    );
  }
  out.push(span({ model: null, provider: null, cost_usd: null, started_at: DAY0 + 5 * HOUR }));
  return out;
}

/** Everything a client can read about the spans: counts, traces, metrics (rollups and scans), exposition. */
async function snapshot(s: Store, spans: readonly Span[]) {
  const traces = await Promise.all([...new Set(spans.map((x) => x.trace_id))].map((t) => s.getTrace(t)));
  const whole = { from: DAY0, to: DAY0 + 2 * DAY, filter: {} };
  return {
    count: await s.countSpans(),
    traces,
    total: await s.summarize(whole),
    byModel: await s.summarize({ ...whole, groupBy: { column: "model" } }),
    hourly: await s.summarize({ ...whole, stepMs: HOUR, groupBy: { column: "status" } }),
    ragged: await s.summarize({ from: DAY0 + 1234, to: DAY0 + DAY + 5678, filter: { model: "gpt-4o" } }),
    sketched: await s.summarize({ ...whole, exactLimit: 0 }),
    exposition: await s.exposition({ latencyBucketsMs: [...LATENCY_LE], qualityBuckets: [...QUALITY_LE] }),
  };
}

/** Registers the exactly-once tests (called by runStoreConformance). */
export function dedupTests(withStore: WithStore, opts: ConformanceOptions): void {
  withStore("exactly once: a batch sent again stores nothing and counts nothing twice", async (s) => {
    const spans = batch();
    await s.insert(spans);
    const once = await snapshot(s, spans);
    assert.equal(once.count, spans.length);
    await s.insert(spans);
    await s.insert([...spans].reverse().map((x) => ({ ...x, attributes: { ...x.attributes } })));
    assert.deepEqual(await snapshot(s, spans), once);
  });

  withStore("exactly once: a span twice in one batch is stored once, the first copy", async (s) => {
    const spans = batch();
    const changed = { ...spans[3], cost_usd: 99, name: "second copy" };
    await s.insert([...spans.slice(0, 5), spans[1], changed, ...spans.slice(5), spans[0]]);
    const got = await snapshot(s, spans);
    assert.equal(got.count, spans.length);
    assert.deepEqual(await s.getTrace(spans[3].trace_id), [spans[3]]);
    assert.equal(got.total[0].span_count, spans.length - 1);
    assert.equal(
      got.total[0].cost_usd,
      spans.reduce((sum, x) => sum + (x.cost_usd ?? 0), 0),
    );
  });

  withStore("exactly once: known spans mixed with new ones store only the new", async (s) => {
    const spans = batch();
    await s.insert(spans.slice(0, 10));
    await s.insert(spans.slice(5, 20));
    await s.insert(spans);
    const fresh = span({ trace_id: spans[0].trace_id, started_at: spans[0].started_at + 1 });
    await s.insert([spans[0], fresh]);
    assert.equal(await s.countSpans(), spans.length + 1);
    const got = await snapshot(s, spans);
    assert.equal(got.total[0].span_count, spans.length);
    assert.deepEqual(
      (await s.getTrace(spans[0].trace_id)).map((x) => x.span_id),
      [spans[0].span_id, fresh.span_id],
    );
  });

  withStore("exactly once: the same span id in another trace is another span", async (s) => {
    const a = span();
    const b = span({ trace_id: id(), span_id: a.span_id });
    await s.insert([a, b]);
    assert.equal(await s.countSpans(), 2);
  });

  if (opts.durable) {
    withStore("exactly once: spans sent again after a restart are not stored again", async (s, o) => {
      assert.ok(o.reopen, "a durable driver must provide reopen");
      const spans = batch();
      await s.insert(spans);
      const once = await snapshot(s, spans);
      await s.close();
      const again = await o.reopen();
      try {
        await again.insert(spans);
        await again.insert(spans.slice(3, 7));
        assert.deepEqual(await snapshot(again, spans), once);
      } finally {
        await again.close();
      }
    });
  }
}
