import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExpositionRow, SummaryQuery } from "../store.js";
import { identityConformance } from "./conformance-identity.js";
import { statisticsConformance } from "./conformance-statistics.js";
import {
  assertGroups,
  assertRow,
  at,
  BY_MODEL,
  EMPTY,
  fixture,
  HOUR,
  MIN,
  type OpenStore,
  partial,
  summaryHarness,
  T0,
  TOTAL,
} from "./conformance-summarize-fixture.js";

export { fixture, makeSpan, type OpenStore } from "./conformance-summarize-fixture.js";

/**
 * Conformance tests for Store.summarize and Store.exposition: every driver (memory, duckdb,
 * postgres) registers them with its own `open` and must give the same rows, worked out by hand
 * in conformance-summarize-fixture.ts. Also registers statisticsConformance and identityConformance (generated data).
 *
 * @example summarizeConformance("memory", async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
 */
export function summarizeConformance(name: string, open: OpenStore): void {
  const { withData, window } = summaryHarness(open);

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
      await t.test(
        "group-by cardinality cap: groups outside keep fold into (other), every figure over its spans",
        async () => {
          // keep two models: (other) is exactly the third, percentiles included
          const two = await store.summarize(window({ groupBy: { column: "model", keep: ["gpt-4o", "claude-x"] } }));
          assert.deepEqual(two.map((r) => r.group).sort(), ["(other)", "claude-x", "gpt-4o"]);
          assertRow(
            two.find((r) => r.group === "(other)"),
            { ...BY_MODEL[2], group: "(other)" },
            "(other) = gpt-4o-mini",
          );
          assertRow(
            two.find((r) => r.group === "gpt-4o"),
            BY_MODEL[1],
            "kept gpt-4o",
          );
          // keep none: one (other) row equal to the whole window
          const none = await store.summarize(window({ groupBy: { column: "model", keep: [] } }));
          assert.equal(none.length, 1);
          assertRow(none[0], { ...TOTAL, group: "(other)" }, "all folded");
          // an attribute, keeping (none); per bucket
          assertGroups(
            await store.summarize(window({ groupBy: { attr: "workflow", keep: ["(none)"] } })),
            [
              ["(none)", 2, 0.000002, 0],
              ["(other)", 4, 0.600001, 2],
            ],
            "workflow kept (none)",
          );
          const stepped = await store.summarize(
            window({ stepMs: HOUR, groupBy: { column: "model", keep: ["gpt-4o"] } }),
          );
          assert.deepEqual(stepped.map((r) => [r.bucket, r.group, r.span_count]).sort(), [
            [T0, "(other)", 3],
            [T0, "gpt-4o", 3],
          ]);
        },
      );
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

  statisticsConformance(name, open);
  identityConformance(name, open);
}
