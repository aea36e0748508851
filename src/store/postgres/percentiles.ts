import { type Bins, quantilesFromBins } from "../../stats/sketch.js";
import { filterConditions, groupExpr, Params } from "./filter.js";
import { pgBin } from "./insert.js";
import { bucketExpr, type Plan, type Query, rawSource, rowKey } from "./plan.js";
import { rollupRanges } from "./segments.js";

/** [latency p50, p95, p99, ttft p50, p95, quality p10] of one row. */
export type Pct = (number | null)[];

export interface PctOptions {
  latency: boolean;
  quality: boolean;
  /** Histogram percentiles (some row is past exactLimit) instead of exact ones. */
  sketch: boolean;
  /** The per-model histograms can answer this filter and grouping. */
  hist: boolean;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Percentiles per row key (bucket, group), exact or sketched, see summarizePg. */
export async function percentiles(db: Query, pl: Plan, o: PctOptions): Promise<Map<string, Pct>> {
  if (!o.sketch) return exact(db, pl, o);
  return sketched(db, pl, o);
}

/** percentile_cont over raw spans: linear interpolation between ranks, as quantile_cont. */
async function exact(db: Query, pl: Plan, o: PctOptions): Promise<Map<string, Pct>> {
  const p = new Params();
  const whole = [{ grain: null, from: pl.q.from, to: pl.q.to }];
  const rows = await db(
    `SELECT grp, bucket,
      ${o.latency ? "percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms)" : "NULL::float8[]"} AS lat,
      ${o.latency ? "percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ttft_ms)" : "NULL::float8[]"} AS ttft,
      ${o.quality ? "percentile_cont(0.1) WITHIN GROUP (ORDER BY eval_score)" : "NULL::float8"} AS q10
    FROM ${rawSource(pl, p, whole)} s GROUP BY grp, bucket`,
    p.values,
  );
  const out = new Map<string, Pct>();
  for (const r of rows) {
    const lat = (r.lat as unknown[] | null) ?? [];
    const ttft = (r.ttft as unknown[] | null) ?? [];
    out.set(rowKey(r.bucket, r.grp), [lat[0], lat[1], lat[2], ttft[0], ttft[1], r.q10].map(numOrNull));
  }
  return out;
}

/**
 * Log-bucket histograms merged per row and column: rollup_hist for the whole days and hours
 * of the range when the filter allows (model only), raw spans for the rest. Each bin keeps
 * its exact min and max, so the result is the one the sketch over raw spans would give.
 */
async function sketched(db: Query, pl: Plan, o: PctOptions): Promise<Map<string, Pct>> {
  const cols = [...(o.latency ? [0, 1] : []), ...(o.quality ? [2] : [])];
  const p = new Params();
  const useHist = pl.rollup && o.hist;
  const rawSegs = useHist ? pl.segs : [{ grain: null, from: pl.q.from, to: pl.q.to }];
  let sql = `SELECT grp, bucket, c.col, ${pgBin("c.v")} AS bin, count(*)::float8 AS n, min(c.v) AS lo, max(c.v) AS hi
    FROM ${rawSource(pl, p, rawSegs)} s
    CROSS JOIN LATERAL (VALUES (0, s.latency_ms), (1, s.ttft_ms), (2, s.eval_score)) c(col, v)
    WHERE c.v IS NOT NULL AND c.col IN (${cols.join(", ")})
    GROUP BY 1, 2, 3, 4`;
  if (useHist) {
    const where = [rollupRanges(pl.segs, (v) => p.add(v)), `col IN (${cols.join(", ")})`];
    where.push(...filterConditions(pl.q.filter, p));
    sql += ` UNION ALL SELECT ${groupExpr(pl.q.groupBy, p)} AS grp, ${bucketExpr(pl.q, p, "t")} AS bucket, col, bin,
      sum(n)::float8 AS n, min(lo) AS lo, max(hi) AS hi
      FROM rollup_hist WHERE ${where.join(" AND ")} GROUP BY 1, 2, 3, 4`;
  }
  const rows = await db(sql, p.values);
  const perRow = new Map<string, Bins[]>();
  for (const r of rows) {
    const key = rowKey(r.bucket, r.grp);
    let cs = perRow.get(key);
    if (!cs) {
      cs = [new Map(), new Map(), new Map()];
      perRow.set(key, cs);
    }
    // The same bin may come from the rollup and from the raw edges: counts add, ranges widen.
    const bins = cs[Number(r.col)];
    const bin = Number(r.bin);
    const [n, lo, hi] = [Number(r.n), Number(r.lo), Number(r.hi)];
    const b = bins.get(bin);
    if (b === undefined) bins.set(bin, { n, lo, hi });
    else bins.set(bin, { n: b.n + n, lo: Math.min(b.lo, lo), hi: Math.max(b.hi, hi) });
  }
  const out = new Map<string, Pct>();
  for (const [key, [lat, ttft, score]] of perRow) {
    const [p50, p95, p99] = quantilesFromBins(lat, [0.5, 0.95, 0.99]);
    const [t50, t95] = quantilesFromBins(ttft, [0.5, 0.95]);
    const [q10] = quantilesFromBins(score, [0.1]);
    out.set(key, [p50, p95, p99, t50, t95, q10]);
  }
  return out;
}
