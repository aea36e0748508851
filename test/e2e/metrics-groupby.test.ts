// groupby and filters on GET /metrics and /metrics/{name}, over real HTTP, hand-computed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DRIVERS, useMetricsServer } from "./metrics-fixture.js";

for (const driver of DRIVERS) {
  describe(`metrics group-by and filters (${driver} store)`, () => {
    const { ok } = useMetricsServer(driver);

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
        unpriced_by_status: { error: 0, ok: 1, timeout: 0 },
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

    test("unpriced: a group with no priced call is null with its count, never $0; a partly priced one is its priced sum", async () => {
      // E (my-finetune, svc-a, workflow unset) has no price; D (claude, workflow unset) has one
      assert.deepEqual(await ok("/metrics/total_cost?groupby=model"), {
        window: "1h",
        metric: "total_cost",
        unit: "usd",
        by_model: { "claude-sonnet-4-5": 0.006, "gpt-4o": 0.03, "gpt-4o-mini": 0.0003, "my-finetune": null },
        unpriced_by_model: { "claude-sonnet-4-5": 0, "gpt-4o": 0, "gpt-4o-mini": 0, "my-finetune": 1 },
      });
      const byModel = (await ok("/metrics/cost?groupby=model")).by_model as Record<string, unknown>;
      assert.deepEqual(byModel["my-finetune"], {
        total_usd: null,
        per_call_usd: null,
        unpriced_span_count: 1,
        span_count: 1,
      });
      const groups = (await ok("/metrics?groupby=model")).by_model as Record<string, Record<string, unknown>>;
      assert.deepEqual(groups["my-finetune"].cost, { total_usd: null, per_call_usd: null, unpriced_span_count: 1 });
      // a window holding only unpriced calls has an unknown total, not 0
      assert.deepEqual(await ok("/metrics/cost?model=my-finetune"), {
        window: "1h",
        total_usd: null,
        per_call_usd: null,
        by_model: { "my-finetune": null },
        unpriced_span_count: 1,
        unpriced_by_model: { "my-finetune": 1 },
        span_count: 1,
      });
      assert.deepEqual(await ok("/metrics/total_cost?model=my-finetune"), {
        window: "1h",
        metric: "total_cost",
        unit: "usd",
        value: null,
        span_count: 1,
        unpriced_span_count: 1,
      });
      // partly priced: the priced sum, with the calls it leaves out counted beside it
      const partly = (await ok("/metrics/cost?groupby=workflow")).by_workflow as Record<string, unknown>;
      assert.deepEqual(partly["(none)"], {
        total_usd: 0.006,
        per_call_usd: 0.006,
        unpriced_span_count: 1,
        span_count: 2,
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
        unpriced_by_workflow: { chat: 0, summary: 0 },
      });
      const filtered = await ok("/metrics?model=gpt-4o&window=24h");
      assert.equal(filtered.span_count, 4);
      assert.deepEqual((filtered.cost as Record<string, unknown>).by_model, { "gpt-4o": 7.08 });
    });
  });
}
