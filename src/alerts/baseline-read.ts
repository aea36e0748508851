// What a baseline rule compares with, read from the store: the same window `offset` ago, or
// the mean of the window's value over the `avg_over` before the current window.
import { findScalar } from "../metrics/catalogue.js";
import { figures } from "../metrics/figures.js";
import { type MetricValueQuery, metricValue, metricValuesByGroup, unknownMetric } from "../metrics/query.js";
import type { GroupBy, Store } from "../store/store.js";
import { parseDuration } from "../util/duration.js";
import { baselineRange, meanOf } from "./baseline.js";
import type { Baseline } from "./baseline-rule.js";
import type { MetricReading } from "./evaluate.js";

/**
 * The baseline reading of a rule's query (per group with `groupBy`; key null without): for
 * an offset, the metric over the window ending `offset` ago; for avg_over, the mean of its
 * value over each window before the current one (a window without spans counts as 0 for
 * totals and is skipped for averages and percentiles), with span_count the mean spans a
 * window, so min_spans means the same on both sides.
 */
export async function readBaseline(
  store: Store,
  q: MetricValueQuery,
  baseline: Baseline,
  now: number,
  groupBy?: GroupBy,
): Promise<Map<string | null, MetricReading>> {
  const out = new Map<string | null, MetricReading>();
  if ("offset" in baseline) {
    const then = now - (parseDuration(baseline.offset) ?? 0);
    if (groupBy === undefined) out.set(null, await metricValue(store, q, then));
    else for (const r of await metricValuesByGroup(store, { ...q, groupBy }, then)) out.set(r.group, r);
    return out;
  }
  const metric = findScalar(q.metric);
  if (!metric) throw unknownMetric(q.metric);
  const avgOverMs = parseDuration(baseline.avg_over) ?? 0;
  const windows = Math.max(1, Math.floor(avgOverMs / q.windowMs));
  const { to } = baselineRange({ avgOverMs }, q.windowMs, now);
  const from = to - windows * q.windowMs;
  // windows end at `to` and back from it: (to - k·window, to - (k-1)·window], as the rule's own
  const rows = await store.summarize({
    from: from + 1,
    to: to + 1,
    filter: q.filter,
    groupBy,
    stepMs: q.windowMs,
    stats: metric.stats,
  });
  const byGroup = new Map<string | null, { values: (number | null)[]; spans: number }>();
  for (const r of rows) {
    const g = byGroup.get(r.group) ?? { values: [], spans: 0 };
    g.values.push(metric.value(figures(r, q.windowMs)));
    g.spans += r.span_count;
    byGroup.set(r.group, g);
  }
  if (groupBy === undefined && !byGroup.has(null)) byGroup.set(null, { values: [], spans: 0 });
  for (const [group, g] of byGroup) {
    // windows with no row had no spans: their value is the metric's empty value
    const values = [
      ...g.values,
      ...Array<number | null>(Math.max(0, windows - g.values.length)).fill(metric.emptyValue),
    ];
    out.set(group, { value: meanOf(values), span_count: Math.floor(g.spans / windows) });
  }
  return out;
}
