// Thresholds relative to what is normal: "cost is up more than 50% on the same hour last
// week", "quality is down 20% on its 7-day average". Pure: the readings are passed in.
import type { BaselineFigures, MetricReading } from "./evaluate.js";

/** The time ranges a baseline reads, as [from, to) in epoch ms, for a rule window ending at `now`. */
export function baselineRange(
  b: { offsetMs: number } | { avgOverMs: number },
  windowMs: number,
  now: number,
): { from: number; to: number; stepMs: number | null } {
  if ("offsetMs" in b) return { from: now - b.offsetMs - windowMs, to: now - b.offsetMs, stepMs: null };
  // the windows before the current one, back over avg_over: their values are averaged
  return { from: now - windowMs - b.avgOverMs, to: now - windowMs, stepMs: windowMs };
}

/** The mean of a series of window values, skipping windows without a value (no spans). */
export function meanOf(points: readonly (number | null)[]): number | null {
  const known = points.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, v) => a + v, 0) / known.length;
}

/** A baseline comparison: the change in percent, with both readings for the payload. */
export interface BaselineReading extends MetricReading {
  baseline: BaselineFigures;
  baseline_span_count: number;
}

/**
 * The change of `current` against `base` in percent (+50 = half as much again), as the
 * reading a baseline rule compares with its threshold: null (insufficient data) unless both
 * sides have at least `minSpans` spans and values. A baseline of 0 with a current value above
 * it is an increase of +Infinity percent (any threshold fires); 0 against 0 is no change.
 *
 * @example baselineChange({ value: 15, span_count: 40 }, { value: 10, span_count: 35 }, 10) // value: 50
 */
export function baselineChange(current: MetricReading, base: MetricReading, minSpans: number): BaselineReading {
  const out = {
    baseline: { current: current.value, baseline: base.value },
    baseline_span_count: base.span_count,
    span_count: current.span_count,
  };
  if (current.value === null || base.value === null || current.span_count < minSpans || base.span_count < minSpans) {
    return { ...out, value: null };
  }
  if (base.value === 0) {
    return { ...out, value: current.value === 0 ? 0 : current.value > 0 ? Infinity : -Infinity };
  }
  return { ...out, value: ((current.value - base.value) / Math.abs(base.value)) * 100 };
}
