// What the overview adds to a chart beyond its values: counts on hover, which points are too
// thin to trust, which series start hidden, and "unpriced" where a cost is unknown.
import { alignSeries } from "./charts.js";
import { int, pct, usd } from "./format.js";

/** An error rate from fewer calls than this in one bucket is drawn dashed: 1 failure of 2 is not 50%. */
export const MIN_BUCKET_CALLS = 10;
/** A series with fewer calls than this in the whole window starts hidden on the error-rate chart. */
export const MIN_SERIES_CALLS = 30;

const key = (g) => String(g ?? "");

/** Per kept series, its values from `series` (matched by group) on the chart's timestamps. */
function valuesFor(kept, series, xs) {
  const byGroup = new Map((series ?? []).map((s) => [key(s.group), s]));
  const [x, ...ys] = alignSeries(
    kept.map((s) => byGroup.get(key(s.group)) ?? { points: [] }),
    0,
  );
  const at = new Map(x.map((t, i) => [t, i]));
  return ys.map((y) => xs.map((t) => (at.has(t) ? (y[at.get(t)] ?? 0) : 0)));
}

/**
 * Extras for the error-rate chart: `calls` and `errors` are the span_count and error_count
 * series for the same window, step and split. Hover shows "4.17% · 1 of 24 calls".
 */
export function errorExtras(kept, data, calls, errors) {
  const xs = data[0];
  const n = valuesFor(kept, calls, xs);
  const e = valuesFor(kept, errors, xs);
  const hidden = new Set();
  const totals = n.map((y) => y.reduce((a, b) => a + b, 0));
  for (const [si, total] of totals.entries()) if (total < MIN_SERIES_CALLS && kept.length > 1) hidden.add(si);
  const last = xs.length - 1;
  return {
    weak: n.map((y) => y.map((c) => c < MIN_BUCKET_CALLS)),
    hidden,
    describe: (si, i) => {
      const c = n[si][i];
      if (!c) return "no calls";
      return `${pct(e[si][i] / c)} · ${int(e[si][i])} of ${int(c)} calls${i === last ? " so far" : ""}`;
    },
    note: hidden.size
      ? `${hidden.size} hidden: under ${MIN_SERIES_CALLS} calls · dashed: under ${MIN_BUCKET_CALLS} a point`
      : `dashed: under ${MIN_BUCKET_CALLS} calls a point`,
  };
}

/**
 * Extras for the cost chart: a bucket with calls but no known price says "unpriced", not $0.
 * Such a bucket is null in the series; `unpriced` (groups with no priced call in the window)
 * also covers servers that still sent 0 for them.
 */
export function costExtras(kept, data, calls, unpriced) {
  const n = valuesFor(kept, calls, data[0]);
  const last = data[0].length - 1;
  return {
    describe: (si, i) => {
      const v = data[si + 1][i];
      const soFar = i === last ? " so far" : "";
      if (v == null || (v === 0 && unpriced.has(key(kept[si].group))))
        return n[si][i] ? `unpriced${soFar}` : v == null ? "" : usd(v);
      return `${usd(v)}${soFar}`;
    },
  };
}
