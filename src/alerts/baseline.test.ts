import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { baselineChange, baselineRange, meanOf } from "./baseline.js";
import { compare } from "./evaluate.js";

const baselineHolds = (op: "increase_pct" | "decrease_pct", change: number, threshold: number) =>
  compare(op, change, threshold);

const H = 3_600_000;
const D = 24 * H;

describe("baselines", () => {
  test("offset reads the same window that long ago; avg_over the windows before the current one", () => {
    const now = Date.UTC(2026, 2, 15, 12);
    assert.deepEqual(baselineRange({ offsetMs: 7 * D }, H, now), {
      from: now - 7 * D - H,
      to: now - 7 * D,
      stepMs: null,
    });
    assert.deepEqual(baselineRange({ avgOverMs: 7 * D }, H, now), { from: now - H - 7 * D, to: now - H, stepMs: H });
    assert.equal(meanOf([1, null, 3, 2]), 2);
    assert.equal(meanOf([null, null]), null);
  });

  test("the change in percent, and which way it breaches", () => {
    const up = baselineChange({ value: 15, span_count: 40 }, { value: 10, span_count: 35 }, 10);
    assert.deepEqual(up, {
      value: 50,
      span_count: 40,
      baseline: { current: 15, baseline: 10 },
      baseline_span_count: 35,
    });
    assert.equal(baselineHolds("increase_pct", 50, 40), true);
    assert.equal(baselineHolds("increase_pct", 50, 50), false);
    assert.equal(baselineHolds("decrease_pct", 50, 10), false);
    const down = baselineChange({ value: 0.6, span_count: 40 }, { value: 0.8, span_count: 40 }, 10);
    assert.ok(Math.abs((down.value as number) + 25) < 1e-9);
    assert.equal(baselineHolds("decrease_pct", down.value as number, 20), true);
    assert.equal(baselineHolds("increase_pct", down.value as number, 20), false);
  });

  test("min_spans on either side, or a missing value, is insufficient data", () => {
    assert.equal(baselineChange({ value: 15, span_count: 9 }, { value: 10, span_count: 35 }, 10).value, null);
    assert.equal(baselineChange({ value: 15, span_count: 40 }, { value: 10, span_count: 9 }, 10).value, null);
    assert.equal(baselineChange({ value: 15, span_count: 40 }, { value: null, span_count: 0 }, 0).value, null);
  });

  test("from a zero baseline any rise is +Infinity percent; zero to zero is no change", () => {
    assert.equal(baselineChange({ value: 3, span_count: 5 }, { value: 0, span_count: 5 }, 1).value, Infinity);
    assert.equal(baselineChange({ value: 0, span_count: 5 }, { value: 0, span_count: 5 }, 1).value, 0);
    assert.equal(baselineHolds("increase_pct", Infinity, 1000), true);
  });
});
