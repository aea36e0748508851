// GET /metrics/{name}/series over real HTTP: step-aligned buckets, filled points, step rules.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DRIVERS, MIN, NOW, useMetricsServer } from "./metrics-fixture.js";

for (const driver of DRIVERS) {
  describe(`metric series (${driver} store)`, () => {
    const { get, ok } = useMetricsServer(driver);

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
          unpriced_span_count: 0,
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
          unpriced_span_count: 0,
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
          unpriced_span_count: 0,
        },
        {
          group: "my-finetune",
          // its one call has no price: that bucket is unknown (null), not $0
          points: [
            [t(0), 0],
            [t(15), 0],
            [t(30), 0],
            [t(45), null],
            [t(60), 0],
          ],
          unpriced_span_count: 1,
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
  });
}
