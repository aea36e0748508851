// GET /metrics and /metrics/{name} over real HTTP with a fixed clock: every family, scalar,
// group-by and filter against figures worked out by hand from the spans below.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { makeTempDir, removeDir } from "./helpers/server.js";

const NOW = Date.UTC(2026, 2, 15, 15, 0, 0);
const MIN = 60_000;
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

/** In the last hour: A–E. Older: I (exactly 1h ago: outside 1h), F (3h), G (2 days). */
const SPANS = [
  {
    name: "A",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 1000,
    comp_tokens: 200,
    cost_usd: 0.01,
    latency_ms: 800,
    ttft_ms: 100,
    started_at: iso(10 * MIN),
    attributes: { workflow: "summary", "eval.score": 0.9 },
  },
  {
    name: "B",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 2000,
    comp_tokens: 400,
    cost_usd: 0.02,
    latency_ms: 1200,
    ttft_ms: 300,
    status: "error",
    started_at: iso(20 * MIN),
    attributes: { workflow: "summary", "eval.score": 0.6 },
  },
  {
    name: "C",
    model: "gpt-4o-mini",
    caller: "svc-b",
    prompt_tokens: 500,
    comp_tokens: 100,
    cached_tokens: 100,
    cost_usd: 0.0003,
    latency_ms: 300,
    status: "timeout",
    started_at: iso(30 * MIN),
    attributes: { workflow: "chat" },
  },
  {
    name: "D",
    model: "claude-sonnet-4-5",
    caller: "svc-b",
    prompt_tokens: 800,
    comp_tokens: 300,
    reasoning_tokens: 50,
    cost_usd: 0.006,
    latency_ms: 2000,
    started_at: iso(50 * MIN),
    attributes: { "eval.score": 0.8, team: 'a "quoted"\\ value' },
  },
  {
    name: "E",
    model: "my-finetune",
    caller: "svc-a",
    prompt_tokens: 100,
    comp_tokens: 10,
    latency_ms: 500,
    started_at: iso(5 * MIN),
  },
  {
    name: "I",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 1,
    comp_tokens: 1,
    cost_usd: 7,
    latency_ms: 10,
    started_at: iso(60 * MIN),
  },
  {
    name: "F",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 100,
    comp_tokens: 100,
    cost_usd: 0.05,
    latency_ms: 600,
    started_at: iso(180 * MIN),
  },
  {
    name: "G",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 10,
    comp_tokens: 10,
    cost_usd: 1,
    latency_ms: 100,
    started_at: iso(2 * 24 * 60 * MIN),
  },
];

/** The same tests run on the memory store and on an embedded DuckDB file. */
function configFor(driver: "memory" | "duckdb", dir: string): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return {
    ...base,
    http_server: { ...base.http_server, addr: "127.0.0.1:0" },
    storage: { ...base.storage, driver, path: `${dir}/spans.duckdb` },
  };
}

for (const driver of ["memory", "duckdb"] as const) {
  describe(`metrics over HTTP (${driver} store)`, () => {
    let server: RunningServer;
    let dir: string;
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const ok = async (path: string) => {
      const { status, body } = await get(path);
      assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
      return body;
    };

    before(async () => {
      dir = await makeTempDir();
      server = await startServer(configFor(driver, dir), { now: () => NOW });
      const res = await fetch(`${server.url}/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(SPANS),
      });
      assert.equal(res.status, 202, await res.text());
    });
    after(async () => {
      await server?.close();
      await removeDir(dir);
    });

    test("GET /metrics: every block over the default 1h window", async () => {
      assert.deepEqual(await ok("/metrics"), {
        window: "1h",
        span_count: 5,
        cost: {
          total_usd: 0.0363,
          per_call_usd: 0.009075,
          by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 0.03, "gpt-4o-mini": 0.0003, "my-finetune": 0 },
          unpriced_span_count: 1,
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
        by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 7.08, "gpt-4o-mini": 0.0003, "my-finetune": 0 },
        unpriced_span_count: 1,
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
        by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 0.03, "gpt-4o-mini": 0.0003, "my-finetune": 0 },
        unpriced_span_count: 1,
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
        assert.deepEqual(await ok(`/metrics/${metric}`), { window: "1h", metric, unit, value, span_count: 5 }, metric);
      }
    });

    test("group-by model on a family: the seed's by_model shape", async () => {
      assert.deepEqual(await ok("/metrics/latency?window=1h&groupby=model"), {
        window: "1h",
        by_model: {
          "claude-sonnet-4-5": {
            p50_ms: 2000,
            p95_ms: 2000,
            p99_ms: 2000,
            avg_ms: 2000,
            max_ms: 2000,
            ttft: { p50_ms: null, p95_ms: null },
            span_count: 1,
          },
          // 800 and 1200: p95 at .95 → 800+400*.95
          "gpt-4o": {
            p50_ms: 1000,
            p95_ms: 1180,
            p99_ms: 1196,
            avg_ms: 1000,
            max_ms: 1200,
            ttft: { p50_ms: 200, p95_ms: 290 },
            span_count: 2,
          },
          "gpt-4o-mini": {
            p50_ms: 300,
            p95_ms: 300,
            p99_ms: 300,
            avg_ms: 300,
            max_ms: 300,
            ttft: { p50_ms: null, p95_ms: null },
            span_count: 1,
          },
          "my-finetune": {
            p50_ms: 500,
            p95_ms: 500,
            p99_ms: 500,
            avg_ms: 500,
            max_ms: 500,
            ttft: { p50_ms: null, p95_ms: null },
            span_count: 1,
          },
        },
      });
    });

    test("group-by caller, provider, status and attribute keys, (none) for spans without them", async () => {
      assert.deepEqual(await ok("/metrics/cost?groupby=workflow"), {
        window: "1h",
        by_workflow: {
          "(none)": { total_usd: 0.006, per_call_usd: 0.006, unpriced_span_count: 1, span_count: 2 },
          chat: { total_usd: 0.0003, per_call_usd: 0.0003, unpriced_span_count: 0, span_count: 1 },
          summary: { total_usd: 0.03, per_call_usd: 0.015, unpriced_span_count: 0, span_count: 2 },
        },
      });
      assert.deepEqual(await ok("/metrics/errors?groupby=caller"), {
        window: "1h",
        by_caller: {
          "svc-a": { rate: 1 / 3, count: 1, timeout_count: 0, span_count: 3 },
          "svc-b": { rate: 0.5, count: 1, timeout_count: 1, span_count: 2 },
        },
      });
      assert.deepEqual(await ok("/metrics/span_count?groupby=provider"), {
        window: "1h",
        metric: "span_count",
        unit: "count",
        by_provider: { "(none)": 1, anthropic: 1, openai: 3 },
      });
      assert.deepEqual(await ok("/metrics/total_cost?groupby=status"), {
        window: "1h",
        metric: "total_cost",
        unit: "usd",
        by_status: { error: 0.02, ok: 0.016, timeout: 0.0003 },
      });
      assert.deepEqual(await ok("/metrics/quality_avg?groupby=team"), {
        window: "1h",
        metric: "quality_avg",
        unit: "score",
        by_team: { "(none)": 0.75, 'a "quoted"\\ value': 0.8 },
      });
      assert.deepEqual(await ok("/metrics/latency_p95?groupby=model"), {
        window: "1h",
        metric: "latency_p95",
        unit: "ms",
        by_model: { "claude-sonnet-4-5": 2000, "gpt-4o": 1180, "gpt-4o-mini": 300, "my-finetune": 500 },
      });
    });

    test("GET /metrics with groupby: the full blocks per group under by_<key>", async () => {
      const body = await ok("/metrics?groupby=caller");
      assert.equal(body.span_count, 5);
      const groups = body.by_caller as Record<string, Record<string, Record<string, unknown>>>;
      assert.deepEqual(Object.keys(groups), ["svc-a", "svc-b"]);
      assert.deepEqual(groups["svc-b"], {
        span_count: 2,
        cost: { total_usd: 0.0063, per_call_usd: 0.00315, unpriced_span_count: 0 },
        tokens: { prompt_total: 1300, completion_total: 400, total: 1700, cached_total: 100, reasoning_total: 50 },
        latency: {
          p50_ms: 1150,
          p95_ms: 1915,
          p99_ms: 1983,
          avg_ms: 1150,
          max_ms: 2000,
          ttft: { p50_ms: null, p95_ms: null },
        },
        errors: { rate: 0.5, count: 1, timeout_count: 1 },
        quality: { score_avg: 0.8, score_p10: 0.8, scored_span_count: 1 },
        throughput: { span_count: 2, spans_per_min: 0.033333, tokens_per_min: 28.333333 },
      });
    });

    test("filters as on GET /traces, alone and combined with group-by", async () => {
      const count = async (q: string) => (await ok(`/metrics/span_count?${q}`)).value;
      assert.equal(await count("model=gpt-4o"), 2);
      assert.equal(await count("caller=svc-b"), 2);
      assert.equal(await count("provider=anthropic"), 1);
      assert.equal(await count("status=error"), 1);
      assert.equal(await count("status=timeout"), 1);
      assert.equal(await count("attr.workflow=summary"), 2);
      assert.equal(await count("attr.eval.score=0.9"), 1);
      assert.equal(await count("model=gpt-4o&attr.workflow=summary&status=ok"), 1);
      assert.equal(await count(`attr.team=${encodeURIComponent('a "quoted"\\ value')}`), 1);
      assert.deepEqual(await ok("/metrics/total_cost?provider=openai&groupby=workflow"), {
        window: "1h",
        metric: "total_cost",
        unit: "usd",
        by_workflow: { chat: 0.0003, summary: 0.03 },
      });
      const filtered = await ok("/metrics?model=gpt-4o&window=24h");
      assert.equal(filtered.span_count, 4);
      assert.deepEqual((filtered.cost as Record<string, unknown>).by_model, { "gpt-4o": 7.08 });
    });

    test("an empty window: totals 0, averages and percentiles null", async () => {
      assert.deepEqual(await ok("/metrics?model=nope"), {
        window: "1h",
        span_count: 0,
        cost: { total_usd: 0, per_call_usd: null, by_model: {}, unpriced_span_count: 0 },
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

    test("series: step-aligned buckets, every point present, 0 or null when empty", async () => {
      const t = (min: number) => NOW - 60 * MIN + min * MIN;
      assert.deepEqual(await ok("/metrics/span_count/series?window=1h&step=15m"), {
        window: "1h",
        step: "15m",
        metric: "span_count",
        unit: "count",
        from: "2026-03-15T14:00:00.000Z",
        to: "2026-03-15T15:00:00.000Z",
        // the first bucket starts at now - window and is whole: it holds I (exactly 1h old) and D
        series: [
          {
            group: null,
            points: [
              [t(0), 2],
              [t(15), 0],
              [t(30), 2],
              [t(45), 2],
              [t(60), 0],
            ],
          },
        ],
      });
      const p95 = await ok("/metrics/latency_p95/series?window=1h&step=15m");
      // 10 and 2000 → 10+1990*.95; 300 and 1200 → 300+900*.95; 500 and 800 → 500+300*.95
      assert.deepEqual((p95.series as { points: unknown }[])[0].points, [
        [t(0), 1900.5],
        [t(15), null],
        [t(30), 1155],
        [t(45), 785],
        [t(60), null],
      ]);
      const cost = await ok("/metrics/total_cost/series?window=1h&step=15m&groupby=model");
      assert.deepEqual(cost.series, [
        {
          group: "claude-sonnet-4-5",
          points: [
            [t(0), 0.006],
            [t(15), 0],
            [t(30), 0],
            [t(45), 0],
            [t(60), 0],
          ],
        },
        {
          group: "gpt-4o",
          points: [
            [t(0), 7],
            [t(15), 0],
            [t(30), 0.02],
            [t(45), 0.01],
            [t(60), 0],
          ],
        },
        {
          group: "gpt-4o-mini",
          points: [
            [t(0), 0],
            [t(15), 0],
            [t(30), 0.0003],
            [t(45), 0],
            [t(60), 0],
          ],
        },
        {
          group: "my-finetune",
          points: [
            [t(0), 0],
            [t(15), 0],
            [t(30), 0],
            [t(45), 0],
            [t(60), 0],
          ],
        },
      ]);
      const filtered = await ok("/metrics/error_count/series?window=1h&step=30m&caller=svc-b");
      assert.deepEqual(filtered.series, [
        {
          group: null,
          points: [
            [t(0), 0],
            [t(30), 1],
            [t(60), 0],
          ],
        },
      ]);
    });

    test("series: default step, family names, step errors", async () => {
      const day = await ok("/metrics/latency/series?window=24h");
      assert.equal(day.step, "5m");
      assert.equal(day.metric, "latency_p95");
      const points = (day.series as { points: [number, number | null][] }[])[0].points;
      assert.equal(points.length, 289);
      assert.ok(points.every(([ts], i) => ts === NOW - 24 * 60 * MIN + i * 5 * MIN));
      assert.equal((await ok("/metrics/error_rate/series")).metric, "error_rate");
      for (const [path, status, message] of [
        [
          "/metrics/span_count/series?window=30d&step=1m",
          400,
          /^step: "1m" gives 43201 points over the window; the most is 2000/,
        ],
        ["/metrics/span_count/series?step=fast", 400, /^step: "fast" is not a duration/],
        ["/metrics/span_count/series?window=1y2", 400, /^window: /],
        ["/metrics/nope/series", 404, /^unknown metric "nope"; known: /],
      ] as const) {
        const res = await get(path);
        assert.equal(res.status, status, path);
        assert.match(String(res.body.error), message, path);
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
