import { DEFAULT_EXACT_LIMIT } from "../../stats/sketch.js";
import { num, numOrNull, summaryCounts } from "../sql-rows.js";
import type { SummaryQuery, SummaryRow } from "../store.js";
import { filterConditions, groupExpr, histEligible, Params } from "./filter.js";
import { type Pct, percentiles } from "./percentiles.js";
import { bucketExpr, type Plan, plan, type Query, rawSource, rowKey } from "./plan.js";
import { rollupRanges } from "./segments.js";

type Row = Record<string, unknown>;

/** Counts and sums per (bucket, group): rollup rows for whole periods plus raw spans for the edges. */
async function totals(db: Query, pl: Plan): Promise<Row[]> {
  const { q } = pl;
  const grouped = q.groupBy !== undefined || q.stepMs !== undefined;
  const p = new Params();
  const raw = `SELECT grp, bucket, 1 AS span_count, cost_usd, (cost_usd IS NULL)::int AS unpriced_count,
      prompt_tokens, comp_tokens, total_tokens, coalesce(cached_tokens, 0) AS cached_tokens,
      coalesce(reasoning_tokens, 0) AS reasoning_tokens, latency_ms AS latency_sum, latency_ms AS latency_max,
      coalesce(eval_score, 0) AS score_sum, (eval_score IS NOT NULL)::int AS score_count, status
    FROM ${rawSource(pl, p)} s`;
  let union = raw;
  if (pl.rollup) {
    const where = [rollupRanges(pl.segs, (v) => p.add(v)), ...filterConditions(q.filter, p)];
    union += ` UNION ALL SELECT ${groupExpr(q.groupBy, p)} AS grp, ${bucketExpr(q, p, "t")} AS bucket, span_count, cost_usd,
      unpriced_count, prompt_tokens, comp_tokens, total_tokens, cached_tokens, reasoning_tokens, latency_sum,
      latency_max, score_sum, score_count, status
    FROM rollup WHERE ${where.join(" AND ")}`;
  }
  return db(
    `SELECT ${grouped ? "grp, bucket" : "NULL AS grp, NULL AS bucket"},
      coalesce(sum(span_count), 0)::float8 AS span_count,
      coalesce(sum(cost_usd), 0)::text AS cost_usd,
      coalesce(sum(unpriced_count), 0)::float8 AS unpriced_count,
      coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens,
      coalesce(sum(comp_tokens), 0)::float8 AS comp_tokens,
      coalesce(sum(total_tokens), 0)::float8 AS total_tokens,
      coalesce(sum(cached_tokens), 0)::float8 AS cached_tokens,
      coalesce(sum(reasoning_tokens), 0)::float8 AS reasoning_tokens,
      coalesce(sum(CASE WHEN status <> 'ok' THEN span_count ELSE 0 END), 0)::float8 AS error_count,
      coalesce(sum(CASE WHEN status = 'timeout' THEN span_count ELSE 0 END), 0)::float8 AS timeout_count,
      sum(latency_sum) AS latency_sum, max(latency_max) AS latency_max,
      sum(score_sum) AS score_sum, coalesce(sum(score_count), 0)::float8 AS scored_count
    FROM (${union}) u
    ${grouped ? "GROUP BY grp, bucket" : ""}`,
    p.values,
  );
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  return (a ?? "") < (b ?? "") ? -1 : 1;
}

/**
 * The postgres driver's `summarize`, with the semantics of the memory and duckdb drivers:
 * exact decimal cost sums (NUMERIC), percentiles exact (percentile_cont, the quantile_cont
 * definition) while every row has at most exactLimit spans, else from log-bucket histograms
 * (the same bins as src/stats/sketch.ts, so within 0.5%). Long windows read whole days and
 * hours from the rollup tables and only the ragged edges from spans.
 */
export async function summarizePg(db: Query, q: SummaryQuery): Promise<SummaryRow[]> {
  const pl = plan(q);
  const rows = await totals(db, pl);
  const latency = q.stats?.includes("latency") ?? true;
  const quality = q.stats?.includes("quality") ?? true;
  let pct = new Map<string, Pct>();
  if ((latency || quality) && rows.some((r) => num(r.span_count) > 0)) {
    const limit = q.exactLimit ?? DEFAULT_EXACT_LIMIT;
    const sketch = rows.some((r) => num(r.span_count) > limit);
    pct = await percentiles(db, pl, { latency, quality, sketch, hist: histEligible(q.filter, q.groupBy) });
  }
  const out = rows.map((r): SummaryRow => {
    const n = num(r.span_count);
    const scored = num(r.scored_count);
    const [p50, p95, p99, t50, t95, q10] = pct.get(rowKey(r.bucket, r.grp)) ?? [null, null, null, null, null, null];
    return {
      group: r.grp === null || r.grp === undefined ? null : String(r.grp),
      bucket: numOrNull(r.bucket),
      span_count: n,
      cost_usd: Number(r.cost_usd),
      ...summaryCounts(r),
      latency_p50: latency ? p50 : null,
      latency_p95: latency ? p95 : null,
      latency_p99: latency ? p99 : null,
      latency_avg: n === 0 ? null : num(r.latency_sum) / n,
      latency_max: n === 0 ? null : num(r.latency_max),
      ttft_p50: latency ? t50 : null,
      ttft_p95: latency ? t95 : null,
      quality_avg: scored === 0 ? null : num(r.score_sum) / scored,
      quality_p10: quality ? q10 : null,
      scored_count: scored,
    };
  });
  return out.sort((x, y) => (x.bucket ?? 0) - (y.bucket ?? 0) || compareText(x.group, y.group));
}
