import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span } from "../span/types.js";
import {
  assertGroups,
  assertRow,
  at,
  BY_MODEL,
  EMPTY,
  fixture,
  HOUR,
  MIN,
  makeSpan,
  type OpenStore,
  partial,
  T0,
  TOTAL,
} from "./conformance-summarize-fixture.js";
import type { ExpositionRow, Store, SummaryQuery } from "./store.js";

export { fixture, makeSpan, type OpenStore } from "./conformance-summarize-fixture.js";

/**
 * Conformance tests for Store.summarize and Store.exposition: every driver (memory, duckdb,
 * postgres) registers them with its own `open` and must give the same rows, worked out by hand
 * in conformance-summarize-fixture.ts.
 *
 * @example summarizeConformance("memory", async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
 */
export function summarizeConformance(name: string, open: OpenStore): void {
  const withData = async (spans: Span[], fn: (store: Store) => Promise<void>) => {
    const { store, cleanup } = await open();
    try {
      await store.insert(spans);
      await fn(store);
    } finally {
      await cleanup();
    }
  };
  const window = (over: Partial<SummaryQuery> = {}): SummaryQuery => ({ from: T0, to: T0 + HOUR, filter: {}, ...over });

  test(`${name} summarize: totals, groups, filters, buckets over the fixed data set`, async (t) => {
    await withData(fixture(), async (store) => {
      await t.test("one row with every field for the window", async () => {
        const rows = await store.summarize(window());
        assert.equal(rows.length, 1);
        assertRow(rows[0], TOTAL, "total");
      });
      await t.test("group by model: every field of every group", async () => {
        const rows = await store.summarize(window({ groupBy: { column: "model" } }));
        assert.equal(rows.length, 3);
        for (const want of BY_MODEL)
          assertRow(
            rows.find((r) => r.group === want.group),
            want,
            `model ${want.group}`,
          );
      });
      await t.test("group by caller, provider, status", async () => {
        assertGroups(
          await store.summarize(window({ groupBy: { column: "caller" } })),
          [
            ["svc-a", 3, 0.300002, 1],
            ["svc-b", 2, 0.300001, 1],
            ["(none)", 1, 0, 0],
          ],
          "caller",
        );
        assertGroups(
          await store.summarize(window({ groupBy: { column: "provider" } })),
          [
            ["openai", 5, 0.600003, 2],
            ["anthropic", 1, 0, 0],
          ],
          "provider",
        );
        assertGroups(
          await store.summarize(window({ groupBy: { column: "status" } })),
          [
            ["ok", 4, 0.400002, 0],
            ["error", 1, 0.2, 1],
            ["timeout", 1, 0.000001, 1],
          ],
          "status",
        );
      });
      await t.test("group by attribute keys, missing key in (none)", async () => {
        assertGroups(
          await store.summarize(window({ groupBy: { attr: "workflow" } })),
          [
            ["summary", 2, 0.3, 1],
            ["chat", 2, 0.300001, 1],
            ["(none)", 2, 0.000002, 0],
          ],
          "workflow",
        );
        assertGroups(
          await store.summarize(window({ groupBy: { attr: "tier" } })),
          [
            ["1", 1, 0.1, 0],
            ["2", 1, 0, 0],
            ["(none)", 4, 0.500003, 2],
          ],
          "tier",
        );
        assertGroups(
          await store.summarize(window({ groupBy: { attr: 'a"b\\c' } })),
          [
            ["q", 1, 0, 0],
            ["(none)", 5, 0.600003, 2],
          ],
          "quoted key",
        );
        assertGroups(
          await store.summarize(window({ groupBy: { attr: "eval.score" } })),
          [
            ["0.9", 1, 0.1, 0],
            ["(none)", 5, 0.500003, 2],
          ],
          "dotted key",
        );
      });
      await t.test("filters: columns, attributes as strings, combined", async () => {
        const one = async (filter: SummaryQuery["filter"]) => (await store.summarize(window({ filter })))[0];
        assertRow(await one({ model: "gpt-4o" }), { ...BY_MODEL[1], group: null }, "model filter");
        const svcB = await one({ caller: "svc-b" });
        assert.deepEqual([svcB.span_count, svcB.cost_usd, svcB.latency_p50, svcB.timeout_count], [2, 0.300001, 650, 1]);
        assert.equal((await one({ provider: "anthropic" })).unpriced_count, 1);
        assert.equal((await one({ status: "error" })).span_count, 1);
        assert.equal((await one({ status: "timeout" })).timeout_count, 1);
        assert.equal((await one({ attrs: { workflow: "chat" } })).span_count, 2);
        assert.equal((await one({ attrs: { tier: "1" } })).prompt_tokens, 100);
        assert.equal((await one({ attrs: { flag: "true" } })).latency_max, 1000);
        assert.equal((await one({ attrs: { 'a"b\\c': "q" } })).prompt_tokens, 1000);
        assert.equal((await one({ attrs: { "eval.score": "0.9" } })).span_count, 1);
        const combined = await one({ model: "gpt-4o", caller: "svc-b", attrs: { workflow: "chat" } });
        assert.equal(combined.span_count, 1);
        assert.equal(combined.cost_usd, 0.3);
        const none = await one({ model: "gpt-4o", attrs: { workflow: "nope" } });
        assertRow(none, { group: null, bucket: null, ...EMPTY }, "no match");
      });
      await t.test("filter and group by together", async () => {
        const rows = await store.summarize(window({ filter: { provider: "openai" }, groupBy: { attr: "workflow" } }));
        assertGroups(
          rows,
          [
            ["summary", 2, 0.3, 1],
            ["chat", 2, 0.300001, 1],
            ["(none)", 1, 0.000002, 0],
          ],
          "filtered",
        );
      });
      await t.test("buckets of 15 minutes, alone and per model", async () => {
        const step = 15 * MIN;
        const rows = await store.summarize(window({ stepMs: step }));
        assert.deepEqual(
          rows.map((r) => [r.bucket, r.group, r.span_count]),
          [
            [T0, null, 3],
            [at(15), null, 1],
            [at(30), null, 1],
            [at(45), null, 1],
          ],
        );
        assertRow(
          rows[0],
          partial(null, T0, {
            span_count: 3,
            cost_usd: 0.300001,
            unpriced_count: 0,
            prompt_tokens: 310,
            comp_tokens: 155,
            total_tokens: 465,
            cached_tokens: 20,
            reasoning_tokens: 3,
            error_count: 2,
            timeout_count: 1,
            latency_p50: 200,
            latency_p95: 290,
            latency_p99: 298,
            latency_avg: 200,
            latency_max: 300,
            ttft_p50: 15,
            ttft_p95: 19.5,
            quality_avg: 0.7,
            quality_p10: 0.54,
            scored_count: 2,
          }),
          "bucket 0",
        );
        const byModel = await store.summarize(window({ stepMs: step, groupBy: { column: "model" } }));
        const keys = byModel.map((r) => `${(r.bucket ?? 0) - T0}/${r.group}/${r.span_count}`).sort();
        assert.deepEqual(
          keys,
          [
            `0/gpt-4o-mini/1`,
            `0/gpt-4o/2`,
            `${15 * MIN}/claude-x/1`,
            `${30 * MIN}/gpt-4o/1`,
            `${45 * MIN}/gpt-4o-mini/1`,
          ].sort(),
        );
        // Buckets start at `from`: with from = T0+10m the first bucket holds the spans at 10m and 20m.
        const shifted = await store.summarize(window({ from: at(10), stepMs: step }));
        assert.deepEqual(
          shifted.map((r) => [r.bucket, r.span_count]),
          [
            [at(10), 2],
            [at(25), 1],
            [at(55), 1],
          ],
        );
      });
      await t.test("stats: asking for fewer statistics changes none of the other figures", async () => {
        const latencyOnly = (await store.summarize(window({ stats: ["latency"] })))[0];
        const none = (await store.summarize(window({ stats: [] })))[0];
        for (const key of [
          "span_count",
          "cost_usd",
          "unpriced_count",
          "total_tokens",
          "error_count",
          "timeout_count",
          "scored_count",
        ] as const) {
          assert.equal(none[key], TOTAL[key], key);
        }
        for (const key of ["latency_p50", "latency_p95", "latency_p99", "ttft_p50", "ttft_p95"] as const) {
          assert.ok(Math.abs((latencyOnly[key] ?? Number.NaN) - (TOTAL[key] ?? 0)) < 1e-9, key);
        }
        const qualityOnly = (await store.summarize(window({ stats: ["quality"] })))[0];
        assert.ok(Math.abs((qualityOnly.quality_p10 ?? Number.NaN) - 0.56) < 1e-9);
      });
      await t.test("an empty window: one row, counts 0, statistics null; grouped: no rows", async () => {
        const rows = await store.summarize(window({ from: T0 + 10 * HOUR, to: T0 + 11 * HOUR }));
        assert.equal(rows.length, 1);
        assertRow(rows[0], { group: null, bucket: null, ...EMPTY }, "empty");
        assert.deepEqual(
          await store.summarize(window({ from: T0 + 10 * HOUR, to: T0 + 11 * HOUR, groupBy: { column: "model" } })),
          [],
        );
        assert.deepEqual(await store.summarize(window({ from: T0 + 10 * HOUR, to: T0 + 11 * HOUR, stepMs: MIN })), []);
      });
    });
  });

  test(`${name} summarize: many tiny costs sum to the exact decimal`, async () => {
    const costs = [0.1, 0.2, 0.000001, 0.0000001234, 0.000000000001];
    const spans = Array.from({ length: 3000 }, (_, i) =>
      makeSpan({ started_at: T0 + i, cost_usd: costs[i % costs.length] }),
    );
    await withData(spans, async (store) => {
      const [row] = await store.summarize(window());
      // 600 of each: 600 * 0.300001123401 = 180.0006740406
      assert.ok(Math.abs(row.cost_usd - 180.0006740406) < 1e-9, `got ${row.cost_usd}`);
      assert.equal(row.cost_usd, 180.0006740406);
      const tiny = (await store.summarize(window({ to: T0 + 1000 }))).at(0);
      assert.equal(tiny?.cost_usd, 60.0002246802);
    });
  });

  test(`${name} summarize: percentiles equal a brute-force computation (ties, one span, heavy tail)`, async () => {
    let state = 42;
    const rand = () => {
      // mulberry32: a small seeded generator, so a failure reproduces
      state = (state + 0x6d2b79f5) | 0;
      let x = Math.imul(state ^ (state >>> 15), 1 | state);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const heavy = Array.from({ length: 400 }, () => Math.round(100 / (1 - rand()) ** 1.5)); // Pareto tail, many ties
    const spans = heavy.map((latency_ms, i) =>
      makeSpan({
        started_at: T0 + i,
        latency_ms,
        model: i % 2 ? "a" : "b",
        eval_score: i % 3 ? null : Math.round(rand() * 10) / 10,
      }),
    );
    spans.push(makeSpan({ started_at: T0 + 500, model: "single", latency_ms: 1234.5, ttft_ms: 99 }));
    await withData(spans, async (store) => {
      const brute = (values: number[], q: number): number | null => {
        const s = [...values].sort((x, y) => x - y);
        if (s.length === 0) return null;
        const h = (s.length - 1) * q;
        const below = s[Math.floor(h)];
        return below + (s[Math.ceil(h)] - below) * (h - Math.floor(h));
      };
      const rows = await store.summarize(window({ groupBy: { column: "model" } }));
      for (const r of rows) {
        const mine = spans.filter((s) => s.model === r.group);
        const lat = mine.map((s) => s.latency_ms);
        const scores = mine.flatMap((s) => (s.eval_score === null ? [] : [s.eval_score]));
        assert.equal(r.latency_p50, brute(lat, 0.5), `${r.group} p50`);
        assert.equal(r.latency_p95, brute(lat, 0.95), `${r.group} p95`);
        assert.equal(r.latency_p99, brute(lat, 0.99), `${r.group} p99`);
        assert.equal(r.latency_max, Math.max(...lat));
        assert.equal(r.quality_p10, brute(scores, 0.1), `${r.group} quality p10`);
      }
      const single = rows.find((r) => r.group === "single");
      assert.deepEqual(
        [single?.latency_p50, single?.latency_p99, single?.ttft_p50, single?.ttft_p95],
        [1234.5, 1234.5, 99, 99],
      );

      // Past exactLimit the percentiles come from the log histogram: within 0.5% of exact.
      const sketched = await store.summarize(window({ groupBy: { column: "model" }, exactLimit: 0 }));
      const close = (got: number | null, want: number | null, label: string) => {
        assert.ok(got !== null && want !== null, label);
        assert.ok(Math.abs(got - want) <= 0.005 * Math.abs(want) + 1e-12, `${label}: ${got} vs exact ${want}`);
      };
      for (const r of sketched) {
        const mine = spans.filter((s) => s.model === r.group);
        const lat = mine.map((s) => s.latency_ms);
        for (const [key, q] of [
          ["latency_p50", 0.5],
          ["latency_p95", 0.95],
          ["latency_p99", 0.99],
        ] as const)
          close(r[key], brute(lat, q), `${r.group} ${key}`);
        const scores = mine.flatMap((s) => (s.eval_score === null || s.eval_score === 0 ? [] : [s.eval_score]));
        if (scores.length === mine.filter((s) => s.eval_score !== null).length && scores.length > 0)
          close(r.quality_p10, brute(scores, 0.1), `${r.group} p10`);
        assert.equal(r.latency_max, Math.max(...lat), "max stays exact");
        assert.equal(r.span_count, mine.length);
      }
      const one = sketched.find((r) => r.group === "single");
      assert.deepEqual(
        [one?.latency_p50, one?.latency_p99, one?.ttft_p95],
        [1234.5, 1234.5, 99],
        "one value: clamped to it exactly",
      );
      // One row past the limit sketches the whole query; a one-value row stays exact (clamped).
      const mixed = await store.summarize(window({ groupBy: { column: "model" }, exactLimit: 1 }));
      assert.equal(mixed.find((r) => r.group === "single")?.latency_p50, 1234.5);
      const a = mixed.find((r) => r.group === "a");
      close(
        a?.latency_p95 ?? null,
        brute(
          spans.filter((s) => s.model === "a").map((s) => s.latency_ms),
          0.95,
        ),
        "a p95 sketched",
      );
    });
  });

  test(`${name} summarize: sketched percentiles over 20,000 lognormal latencies stay within 0.5%`, async () => {
    let state = 7;
    const rand = () => {
      state = (state + 0x6d2b79f5) | 0;
      let x = Math.imul(state ^ (state >>> 15), 1 | state);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const spans = Array.from({ length: 20_000 }, (_, i) =>
      makeSpan({
        started_at: T0 + (i % 3_000_000),
        latency_ms: Math.round(800 * Math.exp(0.8 * normal()) * 10) / 10,
        ttft_ms: i % 2 ? 100 + (i % 17) : null,
      }),
    );
    await withData(spans, async (store) => {
      const exact = (await store.summarize(window()))[0];
      const sketch = (await store.summarize(window({ exactLimit: 10_000 })))[0];
      for (const key of ["latency_p50", "latency_p95", "latency_p99", "ttft_p50", "ttft_p95"] as const) {
        const e = exact[key] ?? Number.NaN;
        const s = sketch[key] ?? Number.NaN;
        assert.ok(Math.abs(s - e) <= 0.005 * e, `${key}: sketch ${s} vs exact ${e}`);
      }
      assert.equal(sketch.latency_avg !== null && Math.abs(sketch.latency_avg - (exact.latency_avg ?? 0)) < 1e-6, true);
    });
  });

  test(`${name} exposition: per model/provider/caller with cumulative buckets`, async () => {
    await withData(fixture(), async (store) => {
      const rows = await store.exposition({ latencyBucketsMs: [100, 500], qualityBuckets: [0.5, 0.8] });
      const key = (r: ExpositionRow) => `${r.model}|${r.provider}|${r.caller}`;
      assert.deepEqual(
        rows.map(key).sort(),
        [
          "claude-x|anthropic|",
          "gpt-4o-mini|openai|svc-a",
          "gpt-4o-mini|openai|svc-b",
          "gpt-4o|openai|svc-a",
          "gpt-4o|openai|svc-b",
        ].sort(),
      );
      const a = rows.find((r) => key(r) === "gpt-4o|openai|svc-a");
      // s1, s2 and the two spans outside the metrics window (exposition counts every stored span).
      assert.deepEqual(a, {
        model: "gpt-4o",
        provider: "openai",
        caller: "svc-a",
        span_count: 4,
        error_count: 1,
        cost_usd: 10.3,
        prompt_tokens: 314,
        comp_tokens: 150,
        latency_sum: 300 + 2 * 9999,
        latency_buckets: [1, 2],
        quality_count: 2,
        quality_sum: 1.4,
        quality_buckets: [1, 1],
      });
      const mini = rows.find((r) => key(r) === "gpt-4o-mini|openai|svc-b");
      assert.deepEqual(mini, {
        model: "gpt-4o-mini",
        provider: "openai",
        caller: "svc-b",
        span_count: 1,
        error_count: 1,
        cost_usd: 0.000001,
        prompt_tokens: 10,
        comp_tokens: 5,
        latency_sum: 300,
        latency_buckets: [0, 1],
        quality_count: 0,
        quality_sum: 0,
        quality_buckets: [0, 0],
      });
    });
  });
}
