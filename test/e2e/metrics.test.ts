// GET /metrics and /metrics/{name} over real HTTP with a fixed clock: every family, scalar,
// window and error against figures worked out by hand from the spans of metrics-fixture.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DRIVERS, useMetricsServer } from "./metrics-fixture.js";

for (const driver of DRIVERS) {
  describe(`metrics over HTTP (${driver} store)`, () => {
    const { get, ok } = useMetricsServer(driver);

    test("GET /metrics: every block over the default 1h window", async () => {
      assert.deepEqual(await ok("/metrics"), {
        window: "1h",
        span_count: 5,
        cost: {
          total_usd: 0.0363,
          per_call_usd: 0.009075,
          by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 0.03, "gpt-4o-mini": 0.0003, "my-finetune": null },
          unpriced_span_count: 1,
          unpriced_by_model: { "claude-sonnet-4-5": 0, "gpt-4o": 0, "gpt-4o-mini": 0, "my-finetune": 1 },
        },
        tokens: { prompt_total: 4400, completion_total: 1010, total: 5410, cached_total: 100, reasoning_total: 50 },
        // latencies 300 500 800 1200 2000: p95 at 3.8 → 1200+800*.8, p99 at 3.96 → 1200+800*.96
        latency: {
          p50_ms: 800,
          p95_ms: 1840,
          p99_ms: 1968,
          avg_ms: 960,
          max_ms: 2000,
          ttft: { p50_ms: 200, p95_ms: 290 },
        },
        errors: { rate: 0.4, count: 2, timeout_count: 1 },
        // scores .6 .8 .9: avg 2.3/3; p10 at 0.2 → .6+.2*.2
        quality: { score_avg: 0.766667, score_p10: 0.64, scored_span_count: 3 },
        throughput: { span_count: 5, spans_per_min: 0.083333, tokens_per_min: 90.166667 },
      });
    });

    test("windows: 6h, 24h, 7d, 30d and Go durations; a span exactly one window old is out", async () => {
      const spans = async (w: string) =>
        (await ok(`/metrics/cost?window=${w}`)) as { total_usd: number; span_count: number; window: string };
      assert.deepEqual(await spans("6h"), {
        window: "6h",
        total_usd: 7.0863,
        per_call_usd: 1.18105,
        by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 7.08, "gpt-4o-mini": 0.0003, "my-finetune": null },
        unpriced_span_count: 1,
        unpriced_by_model: { "claude-sonnet-4-5": 0, "gpt-4o": 0, "gpt-4o-mini": 0, "my-finetune": 1 },
        span_count: 7,
      });
      assert.equal((await spans("24h")).span_count, 7);
      assert.equal((await spans("7d")).total_usd, 8.0863);
      assert.equal((await spans("30d")).span_count, 8);
      assert.equal((await spans("90m")).span_count, 6);
      assert.equal((await spans("1h30m")).window, "1h30m");
      assert.equal((await spans("2d")).span_count, 7);
      assert.equal((await spans("49h")).span_count, 8);
    });

    test("every family at /metrics/{name}, error_rate as the errors alias", async () => {
      assert.deepEqual(await ok("/metrics/tokens"), {
        window: "1h",
        prompt_total: 4400,
        completion_total: 1010,
        total: 5410,
        cached_total: 100,
        reasoning_total: 50,
        span_count: 5,
      });
      assert.deepEqual(await ok("/metrics/latency"), {
        window: "1h",
        p50_ms: 800,
        p95_ms: 1840,
        p99_ms: 1968,
        avg_ms: 960,
        max_ms: 2000,
        ttft: { p50_ms: 200, p95_ms: 290 },
        span_count: 5,
      });
      assert.deepEqual(await ok("/metrics/errors"), {
        window: "1h",
        rate: 0.4,
        count: 2,
        timeout_count: 1,
        span_count: 5,
      });
      assert.deepEqual(await ok("/metrics/error_rate"), await ok("/metrics/errors"));
      assert.deepEqual(await ok("/metrics/quality"), {
        window: "1h",
        score_avg: 0.766667,
        score_p10: 0.64,
        scored_span_count: 3,
        span_count: 5,
      });
      assert.deepEqual(await ok("/metrics/throughput"), {
        window: "1h",
        span_count: 5,
        spans_per_min: 0.083333,
        tokens_per_min: 90.166667,
      });
      assert.deepEqual(await ok("/metrics/cost"), {
        window: "1h",
        total_usd: 0.0363,
        per_call_usd: 0.009075,
        by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 0.03, "gpt-4o-mini": 0.0003, "my-finetune": null },
        unpriced_span_count: 1,
        unpriced_by_model: { "claude-sonnet-4-5": 0, "gpt-4o": 0, "gpt-4o-mini": 0, "my-finetune": 1 },
        span_count: 5,
      });
    });

    test("every scalar metric", async () => {
      const expected: Record<string, [string, number]> = {
        span_count: ["count", 5],
        total_cost: ["usd", 0.0363],
        cost_per_call: ["usd", 0.009075],
        prompt_tokens: ["tokens", 4400],
        completion_tokens: ["tokens", 1010],
        total_tokens: ["tokens", 5410],
        latency_p50: ["ms", 800],
        latency_p95: ["ms", 1840],
        latency_p99: ["ms", 1968],
        latency_avg: ["ms", 960],
        ttft_p95: ["ms", 290],
        error_count: ["count", 2],
        timeout_rate: ["ratio", 0.2],
        quality_avg: ["score", 0.766667],
        quality_p10: ["score", 0.64],
      };
      for (const [metric, [unit, value]] of Object.entries(expected)) {
        // cost figures also say how many calls they leave out for want of a price
        const unpriced = unit === "usd" ? { unpriced_span_count: 1 } : {};
        const body = { window: "1h", metric, unit, value, span_count: 5, ...unpriced };
        assert.deepEqual(await ok(`/metrics/${metric}`), body, metric);
      }
    });

    test("an empty window: totals 0, averages and percentiles null", async () => {
      assert.deepEqual(await ok("/metrics?model=nope"), {
        window: "1h",
        span_count: 0,
        cost: { total_usd: 0, per_call_usd: null, by_model: {}, unpriced_span_count: 0, unpriced_by_model: {} },
        tokens: { prompt_total: 0, completion_total: 0, total: 0, cached_total: 0, reasoning_total: 0 },
        latency: {
          p50_ms: null,
          p95_ms: null,
          p99_ms: null,
          avg_ms: null,
          max_ms: null,
          ttft: { p50_ms: null, p95_ms: null },
        },
        errors: { rate: null, count: 0, timeout_count: 0 },
        quality: { score_avg: null, score_p10: null, scored_span_count: 0 },
        throughput: { span_count: 0, spans_per_min: 0, tokens_per_min: 0 },
      });
      assert.deepEqual(await ok("/metrics/latency?groupby=model&model=nope"), { window: "1h", by_model: {} });
    });

    test("/metrics/constructor and /metrics/__proto__ answered 200 (finding): prototype names are 404 unknown metrics", async () => {
      for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
        const r = await get(`/metrics/${name}`);
        assert.equal(r.status, 404, name);
        assert.match(String(r.body.error), /^unknown metric/, name);
        assert.equal((await get(`/metrics/${name}/series`)).status, 404, `${name}/series`);
      }
    });

    test("errors: bad window, bad filter, unknown parameter → 400 naming it; unknown metric → 404 listing names", async () => {
      for (const [path, message] of [
        ["/metrics?window=abc", /^window: "abc" is not a duration/],
        ["/metrics/cost?window=0s", /^window: /],
        ["/metrics/latency?window=-1h", /^window: /],
        ["/metrics?status=failed", /^status: "failed" is not one of ok, error, timeout$/],
        ["/metrics?modle=x", /^modle: unknown query parameter/],
        ["/metrics/cost?groupby=", /^groupby: /],
        // huge durations once answered 200 (window) or 500 (series): now bounded at 10y
        ["/metrics?window=99999999999y", /^window: "99999999999y" is not a duration; .*at most 10y/],
        ["/metrics/latency_p95/series?window=99999999999y", /^window: .*at most 10y/],
        ["/metrics/latency_p95/series?window=1h&step=99999999999y", /^step: .*at most 10y/],
      ] as const) {
        const { status, body } = await get(path);
        assert.equal(status, 400, path);
        assert.match(String(body.error), message, path);
        assert.deepEqual(Object.keys(body), ["error"]);
      }
      const { status, body } = await get("/metrics/nope");
      assert.equal(status, 404);
      assert.match(
        String(body.error),
        /^unknown metric "nope"; known: cost, tokens, latency, errors, quality, throughput, error_rate, span_count, total_cost, .*quality_p10$/,
      );
    });
  });
}
