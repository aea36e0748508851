import type { Store } from "../store/store.js";
import { FAMILY_SERIES, findFamily, findScalar, type ScalarMetric } from "./catalogue.js";
import { figures } from "./figures.js";
import { capGroups } from "./groups.js";
import type { MetricsRequest } from "./query.js";
import { unknownMetric } from "./query.js";
import type { Window } from "./window.js";

export interface SeriesRequest extends MetricsRequest {
  step: Window;
}

/** A series plots one scalar; a family name plots its headline figure (latency → latency_p95, ...). */
function seriesMetric(name: string): ScalarMetric {
  const scalar = findScalar(name);
  if (scalar) return scalar;
  const family = findFamily(name);
  const headline = family ? findScalar(FAMILY_SERIES[family]) : undefined;
  if (headline) return headline;
  throw unknownMetric(name);
}

/**
 * GET /metrics/{name}/series: one point per step-aligned bucket, bucket = floor(t/step)*step
 * in epoch milliseconds (UTC). The buckets cover the window: the first one starts at or before
 * now - window, the last one holds now (still filling). A bucket without spans is 0 for totals
 * and null for averages, rates and percentiles, so every series has every point.
 */
export async function series(
  store: Store,
  name: string,
  req: SeriesRequest,
  now: number,
): Promise<Record<string, unknown>> {
  const metric = seriesMetric(name);
  const step = req.step.ms;
  const from = Math.floor((now - req.window.ms) / step) * step;
  const last = Math.floor(now / step) * step;
  const range = { from, to: now + 1, filter: req.filter };
  const capped = req.grouping ? await capGroups(store, range, req.grouping.groupBy, req.maxGroups) : null;
  const rows = await store.summarize({ ...range, groupBy: capped?.groupBy, stepMs: step, stats: metric.stats });

  const byGroup = new Map<string | null, Map<number, number | null>>();
  const unpriced = new Map<string | null, number>();
  for (const r of rows) {
    let points = byGroup.get(r.group);
    if (!points) {
      points = new Map();
      byGroup.set(r.group, points);
    }
    points.set(r.bucket ?? from, metric.value(figures(r, step)));
    unpriced.set(r.group, (unpriced.get(r.group) ?? 0) + r.unpriced_count);
  }
  // a cost series says how many calls it leaves out for want of a price (their buckets are null when none is priced)
  const costly = metric.unit === "usd";
  if (!req.grouping && byGroup.size === 0) byGroup.set(null, new Map());

  const groups = [...byGroup.keys()].sort((a, b) => ((a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0));
  return {
    window: req.window.label,
    step: req.step.label,
    metric: metric.name,
    unit: metric.unit,
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    series: groups.map((group) => {
      const known = byGroup.get(group) ?? new Map<number, number | null>();
      const points: [number, number | null][] = [];
      for (let t = from; t <= last; t += step)
        points.push([t, known.has(t) ? (known.get(t) ?? null) : metric.emptyValue]);
      return costly ? { group, points, unpriced_span_count: unpriced.get(group) ?? 0 } : { group, points };
    }),
    ...capped?.truncation,
  };
}
