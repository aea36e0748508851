import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Span } from "../../span/types.js";
import { prng } from "../../util/random.js";
import { MemoryStore } from "../memory/memory-store.js";
import type { SummaryQuery, SummaryRow } from "../store.js";
import { makeSpan } from "../testing/conformance-summarize-fixture.js";
import { ROLLUP_LATENCY_LE, ROLLUP_QUALITY_LE } from "./schema.js";
import { openScratch, SKIP_PG } from "./testing/scratch.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);

/** Spans over 5 days with 3 models, 3 callers, all statuses, lognormal latencies. */
function data(count: number, seed = 11): Span[] {
  const rand = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  return Array.from({ length: count }, () => {
    const m = Math.floor(rand() * 3);
    return makeSpan({
      started_at: T0 + Math.floor(rand() * 5 * DAY),
      model: ["gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash"][m],
      provider: ["openai", "anthropic", "google"][m],
      caller: pick(["api", "worker", null]),
      status: pick(["ok", "ok", "ok", "error", "timeout"] as const),
      prompt_tokens: 100 + Math.floor(rand() * 900),
      comp_tokens: 10 + Math.floor(rand() * 90),
      cost_usd: rand() < 0.1 ? null : Math.round(rand() * 1e6) / 1e9,
      latency_ms: Math.round(700 * Math.exp(0.9 * normal()) * 10) / 10,
      ttft_ms: rand() < 0.5 ? Math.round(rand() * 3000) / 10 : null,
      eval_score: rand() < 0.3 ? Math.round(rand() * 100) / 100 : null,
      attributes: { workflow: pick(["chat", "rag"]) },
    });
  });
}

const COUNTS = [
  "span_count",
  "unpriced_count",
  "prompt_tokens",
  "comp_tokens",
  "total_tokens",
  "error_count",
  "timeout_count",
  "scored_count",
  "latency_max",
] as const;
const PCTS = ["latency_p50", "latency_p95", "latency_p99", "ttft_p50", "ttft_p95", "quality_p10"] as const;

/** Rollup answers equal raw ones: counts and max exactly, costs to the decimal, sketched percentiles within 1%. */
function assertClose(got: SummaryRow[], want: SummaryRow[], label: string): void {
  assert.deepEqual(
    got.map((r) => [r.bucket, r.group]),
    want.map((r) => [r.bucket, r.group]),
    `${label}: buckets and groups`,
  );
  want.forEach((w, i) => {
    const g = got[i];
    for (const k of COUNTS) assert.equal(g[k], w[k], `${label} ${w.group} ${k}`);
    assert.ok(Math.abs(g.cost_usd - w.cost_usd) < 1e-9, `${label} ${w.group} cost ${g.cost_usd} vs ${w.cost_usd}`);
    for (const k of ["latency_avg", "quality_avg"] as const) {
      assert.ok(Math.abs((g[k] ?? 0) - (w[k] ?? 0)) <= 1e-9 * Math.abs(w[k] ?? 1), `${label} ${k}`);
    }
    for (const k of PCTS) {
      const [a, b] = [g[k], w[k]];
      assert.ok(a !== null && b !== null, `${label} ${w.group} ${k} null`);
      assert.ok(Math.abs(a - b) <= 0.01 * Math.abs(b), `${label} ${w.group} ${k}: rollup ${a} vs exact ${b}`);
    }
  });
}

describe("postgres rollups", { skip: SKIP_PG }, () => {
  test("windows read from rollups agree with exact figures over the raw spans", async () => {
    const spans = data(30_000);
    const memory = new MemoryStore();
    await memory.insert(spans);
    const pg = await openScratch();
    try {
      for (let i = 0; i < spans.length; i += 5000) await pg.store.insert(spans.slice(i, i + 5000));
      // Ragged windows: minutes and hours on both sides of whole days.
      const windows: [number, number][] = [
        [T0 + 3 * HOUR + 17_123, T0 + 4 * DAY + 5 * HOUR + 1],
        [T0 - DAY, T0 + 10 * DAY],
        [T0 + DAY + 1, T0 + 2 * DAY - 1],
        [T0 + 7 * 60_000, T0 + 9 * HOUR],
      ];
      for (const [from, to] of windows) {
        const base: SummaryQuery = { from, to, filter: {}, exactLimit: 0 };
        // exactLimit 0: percentiles from histograms (rollup + edges) vs exact ones in memory.
        const cases: [string, SummaryQuery][] = [
          ["total", base],
          ["by model", { ...base, groupBy: { column: "model" } }],
          ["by caller", { ...base, groupBy: { column: "caller" } }],
          ["model filter", { ...base, filter: { model: "gpt-4o" } }],
          ["status filter by provider", { ...base, filter: { status: "error" }, groupBy: { column: "provider" } }],
          ["attr filter (raw)", { ...base, filter: { attrs: { workflow: "rag" } } }],
          ["series of 6h by model", { ...base, stepMs: 6 * HOUR, groupBy: { column: "model" } }],
          ["series of 90m, caller filter", { ...base, stepMs: 90 * 60_000, filter: { caller: "api" } }],
          ["series of 1 day", { ...base, from: from - (from % DAY), stepMs: DAY }],
        ];
        for (const [label, q] of cases) {
          const want = await memory.summarize({ ...q, exactLimit: undefined });
          assertClose(await pg.store.summarize(q), want, `${label} [${from - T0}, ${to - T0})`);
        }
        // Below exactLimit percentiles stay exact, rollups or not.
        const [exact] = await pg.store.summarize({ ...base, exactLimit: undefined });
        const [mem] = await memory.summarize({ ...base, exactLimit: undefined });
        for (const k of PCTS) assert.equal(exact[k], mem[k], k);
      }
    } finally {
      await pg.cleanup();
    }
  });

  test("the Prometheus exposition summed from day rollups equals the one over the spans", async () => {
    const spans = data(8000, 21);
    const memory = new MemoryStore();
    await memory.insert(spans);
    const pg = await openScratch();
    try {
      await pg.store.insert(spans);
      const q = { latencyBucketsMs: [...ROLLUP_LATENCY_LE], qualityBuckets: [...ROLLUP_QUALITY_LE] };
      const want = await memory.exposition(q);
      const got = await pg.store.exposition(q);
      assert.equal(got.length, want.length);
      want.forEach((w, i) => {
        const { latency_sum, quality_sum, cost_usd, ...exact } = got[i];
        const { latency_sum: wl, quality_sum: wq, cost_usd: wc, ...wantExact } = w;
        assert.deepEqual(exact, wantExact);
        for (const [a, b] of [
          [latency_sum, wl],
          [quality_sum, wq],
          [cost_usd, wc],
        ]) {
          assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, b), `${a} vs ${b}`);
        }
      });
      // other bounds are counted from the spans
      const other = { latencyBucketsMs: [300, 3000], qualityBuckets: [0.25] };
      assert.deepEqual(
        (await pg.store.exposition(other)).map((r) => [r.latency_buckets, r.quality_buckets]),
        (await memory.exposition(other)).map((r) => [r.latency_buckets, r.quality_buckets]),
      );
    } finally {
      await pg.cleanup();
    }
  });

  test("retention keeps rollups equal to the spans left, including the period holding the cut-off", async () => {
    const spans = data(6000, 5);
    const pg = await openScratch();
    try {
      await pg.store.insert(spans);
      const cut = T0 + 2 * DAY + 5 * HOUR + 123;
      const removed = await pg.store.deleteBefore(cut);
      const left = spans.filter((s) => s.started_at >= cut);
      assert.equal(removed, spans.length - left.length);
      assert.equal(await pg.store.countSpans(), left.length);
      const memory = new MemoryStore();
      await memory.insert(left);
      const q: SummaryQuery = { from: T0, to: T0 + 6 * DAY, filter: {}, groupBy: { column: "model" }, exactLimit: 0 };
      assertClose(await pg.store.summarize(q), await memory.summarize({ ...q, exactLimit: undefined }), "after cut");
      // a second sweep and more inserts keep it exact
      assert.equal(await pg.store.deleteBefore(cut), 0);
      const more = data(500, 9);
      await pg.store.insert(more.filter((s) => s.started_at >= cut));
      await memory.insert(more.filter((s) => s.started_at >= cut));
      assertClose(await pg.store.summarize(q), await memory.summarize({ ...q, exactLimit: undefined }), "after more");
    } finally {
      await pg.cleanup();
    }
  });

  test("concurrent writers on one database add up exactly", async () => {
    const a = await openScratch();
    const b = await a.reopen();
    try {
      const spans = data(4000, 3);
      const chunks = Array.from({ length: 40 }, (_, i) => spans.slice(i * 100, i * 100 + 100));
      await Promise.all(chunks.map((c, i) => (i % 2 ? a.store : b).insert(c)));
      const memory = new MemoryStore();
      await memory.insert(spans);
      const q: SummaryQuery = { from: T0, to: T0 + 5 * DAY, filter: {}, groupBy: { column: "caller" }, exactLimit: 0 };
      assertClose(await b.summarize(q), await memory.summarize({ ...q, exactLimit: undefined }), "two writers");
      assert.equal(await a.store.countSpans(), spans.length);
    } finally {
      await a.cleanup();
    }
  });
});
