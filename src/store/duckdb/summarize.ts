import { type Bins, binSql, DEFAULT_EXACT_LIMIT, quantilesFromBins, SKETCH_K } from "../../stats/sketch.js";
import { NONE_GROUP } from "../rollup/dimensions.js";
import { expositionRow, keptGroupSql, num, numOrNull, summaryCounts } from "../sql-rows.js";
import type {
  ExpositionQuery,
  ExpositionRow,
  GroupBy,
  GroupSizeQuery,
  SpanFilter,
  SummaryQuery,
  SummaryRow,
} from "../store.js";
import { filterConditions, jsonPointer, Params } from "./filter.js";

/** Runs SQL with positional parameters ($1, $2, ...) and returns plain JS rows. */
export interface SqlRunner {
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

/** Group name for spans that lack the group-by column or attribute. */
export { NONE_GROUP };

function whereClause(p: Params, from: number | null, to: number | null, f: SpanFilter): string {
  const where = ["model IS NOT NULL"];
  if (from !== null) where.push(`started_at >= ${p.add(from)}::BIGINT`);
  if (to !== null) where.push(`started_at < ${p.add(to)}::BIGINT`);
  // The same filter SQL as trace search, so /traces and /metrics select the same spans.
  return [...where, ...filterConditions(f, p)].join(" AND ");
}

function groupExpr(p: Params, g: GroupBy | undefined): string {
  if (g === undefined) return "NULL::VARCHAR";
  // The column names come from a closed union type, never from the request.
  const source = "column" in g ? g.column : `json_extract_string(attributes, ${p.add(jsonPointer(g.attr))})`;
  return keptGroupSql(`coalesce(${source}, ${p.add(NONE_GROUP)})`, g.keep, (v) => p.add(v));
}

type Row = Record<string, unknown>;
export const rowKey = (r: Row) => `${r.bucket ?? ""}\u0000${r.grp ?? ""}`;

/** The matching spans with their group and bucket, as a subquery every step of a summary reuses. */
function source(p: Params, q: SummaryQuery): string {
  let bucket = "NULL::BIGINT";
  if (q.stepMs) {
    const from = p.add(q.from);
    const step = p.add(q.stepMs);
    bucket = `((started_at - ${from}::BIGINT) // ${step}::BIGINT) * ${step}::BIGINT + ${from}::BIGINT`;
  }
  const where = whereClause(p, q.from, q.to, q.filter);
  return `(SELECT ${groupExpr(p, q.groupBy)} AS grp, ${bucket} AS bucket, * FROM spans WHERE ${where})`;
}

/** The span count of every group (the group cap's first pass), read from the spans in one aggregation. */
export async function groupSizesDuckdb(
  db: SqlRunner,
  q: GroupSizeQuery,
): Promise<{ group: string; span_count: number }[]> {
  const p = new Params();
  const rows = await db.all(
    `SELECT ${groupExpr(p, q.groupBy)} AS grp, count(*)::DOUBLE AS n FROM spans
     WHERE ${whereClause(p, q.from, q.to, q.filter)} GROUP BY grp`,
    p.values,
  );
  return rows.map((r) => ({ group: String(r.grp), span_count: num(r.n) }));
}

/**
 * The duckdb driver's `summarize`. Counts and sums come from one aggregation (cost_usd is
 * DECIMAL, so SUM is exact; it is read back as text). Percentiles follow: exact with
 * quantile_cont (the definition of src/stats/percentile.ts) when no row has more than
 * exactLimit spans, else from log-bucket histograms (src/stats/sketch.ts), because sorting
 * millions of values would dominate the query.
 */
export async function summarizeDuckdb(db: SqlRunner, q: SummaryQuery): Promise<SummaryRow[]> {
  const grouped = q.groupBy !== undefined || q.stepMs !== undefined;
  const latency = q.stats?.includes("latency") ?? true;
  const quality = q.stats?.includes("quality") ?? true;
  const limit = q.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const pct = new Map<string, (number | null)[]>();
  // One method per query: sketched when any row is past the limit, so no row needs a filter.
  // A bare count (zone maps, no aggregates) usually settles it up front, and then the
  // percentiles run beside the totals instead of after them.
  let early: Promise<void> | null = null;
  let total = 0;
  if (latency || quality) {
    const cp = new Params();
    total = num(
      (
        await db.all(
          `SELECT count(*)::DOUBLE AS n FROM spans WHERE ${whereClause(cp, q.from, q.to, q.filter)}`,
          cp.values,
        )
      )[0]?.n,
    );
    if (total > 0 && total <= limit) early = exactPercentiles(db, q, latency, quality, pct);
    else if (total > limit && !grouped) early = sketchPercentiles(db, q, latency, quality, pct);
  }
  const p = new Params();
  const from = source(p, q);
  const totals = db.all(
    `SELECT ${grouped ? "grp, bucket::DOUBLE AS bucket" : "NULL AS grp, NULL AS bucket"},
      count(*)::DOUBLE AS span_count,
      CAST(coalesce(sum(cost_usd), 0) AS VARCHAR) AS cost_usd,
      (count(*) - count(cost_usd))::DOUBLE AS unpriced_count,
      coalesce(sum(prompt_tokens), 0)::DOUBLE AS prompt_tokens,
      coalesce(sum(comp_tokens), 0)::DOUBLE AS comp_tokens,
      coalesce(sum(total_tokens), 0)::DOUBLE AS total_tokens,
      coalesce(sum(cached_tokens), 0)::DOUBLE AS cached_tokens,
      coalesce(sum(reasoning_tokens), 0)::DOUBLE AS reasoning_tokens,
      coalesce(sum(CASE WHEN status <> 'ok' THEN 1 ELSE 0 END), 0)::DOUBLE AS error_count,
      coalesce(sum(CASE WHEN status = 'timeout' THEN 1 ELSE 0 END), 0)::DOUBLE AS timeout_count,
      avg(latency_ms) AS latency_avg, max(latency_ms) AS latency_max,
      avg(eval_score) AS quality_avg, count(eval_score)::DOUBLE AS scored_count
    FROM ${from}
    ${grouped ? "GROUP BY grp, bucket ORDER BY bucket, grp" : ""}`,
    p.values,
  );
  const [rows] = await Promise.all([totals, early]);
  if (total > limit && grouped) {
    // Only the per-row counts tell whether a group or bucket is past the limit.
    if (rows.some((r) => num(r.span_count) > limit)) await sketchPercentiles(db, q, latency, quality, pct);
    else await exactPercentiles(db, q, latency, quality, pct);
  }
  return rows.map((r) => {
    const [p50, p95, p99, t50, t95, q10] = pct.get(rowKey(r)) ?? [null, null, null, null, null, null];
    return {
      group: r.grp === null || r.grp === undefined ? null : String(r.grp),
      bucket: numOrNull(r.bucket),
      span_count: num(r.span_count),
      cost_usd: num(r.cost_usd),
      ...summaryCounts(r),
      latency_p50: p50,
      latency_p95: p95,
      latency_p99: p99,
      latency_avg: numOrNull(r.latency_avg),
      latency_max: numOrNull(r.latency_max),
      ttft_p50: t50,
      ttft_p95: t95,
      quality_avg: numOrNull(r.quality_avg),
      quality_p10: q10,
      scored_count: num(r.scored_count),
    };
  });
}

/** quantile_cont per row; results keyed by row as [p50, p95, p99, ttft p50, p95, quality p10]. */
async function exactPercentiles(
  db: SqlRunner,
  q: SummaryQuery,
  latency: boolean,
  quality: boolean,
  out: Map<string, (number | null)[]>,
): Promise<void> {
  const grouped = q.groupBy !== undefined || q.stepMs !== undefined;
  const p = new Params();
  const from = source(p, q);
  const rows = await db.all(
    `SELECT ${grouped ? "grp, bucket::DOUBLE AS bucket" : "NULL AS grp, NULL AS bucket"},
      ${latency ? "quantile_cont(latency_ms, [0.5, 0.95, 0.99])" : "NULL::DOUBLE[]"} AS lat,
      ${latency ? "quantile_cont(ttft_ms, [0.5, 0.95])" : "NULL::DOUBLE[]"} AS ttft,
      ${quality ? "quantile_cont(eval_score, 0.1)" : "NULL::DOUBLE"} AS q10
    FROM ${from}
    ${grouped ? "GROUP BY grp, bucket" : ""}`,
    p.values,
  );
  for (const r of rows) {
    const lat = (r.lat as unknown[] | null) ?? [];
    const ttft = (r.ttft as unknown[] | null) ?? [];
    out.set(rowKey(r), [lat[0], lat[1], lat[2], ttft[0], ttft[1], r.q10].map(numOrNull));
  }
}

/** Log-bucket histograms per row and column, turned into percentiles by src/stats/sketch.ts. */
async function sketchPercentiles(
  db: SqlRunner,
  q: SummaryQuery,
  latency: boolean,
  quality: boolean,
  out: Map<string, (number | null)[]>,
): Promise<void> {
  const p = new Params();
  const from = source(p, q);
  const k = `${p.add(SKETCH_K)}::DOUBLE`;
  const parts: string[] = [];
  const column = (i: number, col: string) =>
    parts.push(
      `SELECT grp, bucket, ${i} AS col, ${col} AS v, ${binSql(col, k)} AS bin FROM ${from} WHERE ${col} IS NOT NULL`,
    );
  if (latency) column(0, "latency_ms");
  if (latency) column(1, "ttft_ms");
  if (quality) column(2, "eval_score");
  // min/max per bin: representatives are clamped to the values each bin really holds.
  const rows = await db.all(
    `SELECT grp, bucket::DOUBLE AS bucket, col, bin, count(*)::DOUBLE AS n, min(v) AS lo, max(v) AS hi
    FROM (${parts.join(" UNION ALL ")}) GROUP BY ALL`,
    p.values,
  );
  const perRow = new Map<string, Bins[]>();
  for (const r of rows) {
    const key = rowKey(r);
    let cols = perRow.get(key);
    if (!cols) {
      cols = [new Map(), new Map(), new Map()];
      perRow.set(key, cols);
    }
    cols[num(r.col)].set(num(r.bin), { n: num(r.n), lo: num(r.lo), hi: num(r.hi) });
  }
  for (const [key, [lat, ttft, score]] of perRow) {
    out.set(key, [
      ...quantilesFromBins(lat, [0.5, 0.95, 0.99]),
      ...quantilesFromBins(ttft, [0.5, 0.95]),
      ...quantilesFromBins(score, [0.1]),
    ]);
  }
}

/** The duckdb driver's `exposition`: every stored LLM span, per (model, provider, caller), with cumulative buckets. */
export async function exposeDuckdb(db: SqlRunner, q: ExpositionQuery): Promise<ExpositionRow[]> {
  const p = new Params();
  const lat = q.latencyBucketsMs.map(
    (le, i) => `coalesce(sum(CASE WHEN latency_ms <= ${p.add(le)}::DOUBLE THEN 1 ELSE 0 END), 0)::DOUBLE AS lb${i}`,
  );
  const qual = q.qualityBuckets.map(
    (le, i) => `coalesce(sum(CASE WHEN eval_score <= ${p.add(le)}::DOUBLE THEN 1 ELSE 0 END), 0)::DOUBLE AS qb${i}`,
  );
  const sql = `
    SELECT model, coalesce(provider, '') AS provider, coalesce(caller, '') AS caller,
      count(*)::DOUBLE AS span_count,
      coalesce(sum(CASE WHEN status <> 'ok' THEN 1 ELSE 0 END), 0)::DOUBLE AS error_count,
      CAST(coalesce(sum(cost_usd), 0) AS VARCHAR) AS cost_usd,
      coalesce(sum(prompt_tokens), 0)::DOUBLE AS prompt_tokens,
      coalesce(sum(comp_tokens), 0)::DOUBLE AS comp_tokens,
      coalesce(sum(latency_ms), 0)::DOUBLE AS latency_sum,
      count(eval_score)::DOUBLE AS quality_count,
      coalesce(sum(eval_score), 0)::DOUBLE AS quality_sum
      ${[...lat, ...qual].map((c) => `, ${c}`).join("")}
    FROM spans
    WHERE model IS NOT NULL
    GROUP BY model, coalesce(provider, ''), coalesce(caller, '')
    ORDER BY model, provider, caller`;
  const rows = await db.all(sql, p.values);
  return rows.map((r) => expositionRow(r, q));
}
