import assert from "node:assert/strict";
import { test } from "node:test";
import { prng } from "../../util/random.js";
import { makeSpan, type OpenStore, summaryHarness, T0 } from "./conformance-summarize-fixture.js";

/**
 * The statistics of Store.summarize over generated data: exact decimal cost sums and
 * percentiles checked against a brute-force computation, exact and sketched. Registered
 * by summarizeConformance, so every driver runs them.
 */
export function statisticsConformance(name: string, open: OpenStore): void {
  const { withData, window } = summaryHarness(open);

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
    const rand = prng(42);
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
    const rand = prng(7);
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
}
