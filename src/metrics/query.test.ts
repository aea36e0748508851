import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { fixture } from "../store/testing/conformance-summarize.js";
import { SCALARS } from "./catalogue.js";
import { metricByName, metricValue, windowRange } from "./query.js";

const T0 = Date.UTC(2026, 2, 15, 14, 0, 0);
const HOUR = 3_600_000;
// With now = T0+1h the 1h window (T0, T0+1h] leaves out fixture()'s span at exactly T0 and
// takes in its span at exactly T0+1h.
const NOW = T0 + HOUR;

test("windows end now and are left-open: (now - window, now]", () => {
  assert.deepEqual(windowRange(HOUR, NOW), { from: T0 + 1, to: NOW + 1 });
});

test("metricValue gives alerts exactly the figure GET /metrics/{name} shows, for every scalar", async () => {
  const store = new MemoryStore();
  await store.insert(fixture());
  for (const filter of [{}, { model: "gpt-4o" }, { attrs: { workflow: "chat" } }, { caller: "nobody" }]) {
    for (const m of SCALARS) {
      const req = { window: { label: "1h", ms: HOUR }, filter, grouping: null, maxGroups: 100 };
      const shown = await metricByName(store, m.name, req, NOW);
      const got = await metricValue(store, { metric: m.name, windowMs: HOUR, filter }, NOW);
      // GET /metrics/error_rate is the errors family (the seed's alias): its `rate` is the figure.
      const value = m.name === "error_rate" ? shown.rate : shown.value;
      assert.deepEqual(got, { value, span_count: shown.span_count }, `${m.name} ${JSON.stringify(filter)}`);
    }
  }
  // Hand-checked: (T0, T0+1h] holds the spans at 5m (error, $0.2), 10m (timeout, $0.000001),
  // 20m (unpriced), 30m ($0.3), 59:59.999 ($0.000002) and 60m ($5) → error_rate 2/6.
  assert.deepEqual(await metricValue(store, { metric: "error_rate", windowMs: HOUR, filter: {} }, NOW), {
    value: 2 / 6,
    span_count: 6,
  });
  assert.deepEqual(await metricValue(store, { metric: "total_cost", windowMs: HOUR, filter: {} }, NOW), {
    value: 5.500003,
    span_count: 6,
  });
  assert.deepEqual(
    await metricValue(store, { metric: "latency_p95", windowMs: HOUR, filter: { caller: "nobody" } }, NOW),
    { value: null, span_count: 0 },
  );
});

test("an unknown metric is an unknown_metric error listing the known names", async () => {
  const store = new MemoryStore();
  await assert.rejects(
    metricValue(store, { metric: "latency_p42", windowMs: HOUR, filter: {} }, NOW),
    (e: unknown) => e instanceof ApiError && e.status === 404 && /known: cost, tokens, .*latency_p95/.test(e.message),
  );
});
