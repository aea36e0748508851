// Score summaries (GET /metrics/scores, score alert rules) and the Prometheus seed, for every
// driver: the memory driver computes them here from its rows; the SQL drivers run the SQL
// built here and read it back with the same row shape.
import type { Score, ScoreBucketRow, ScoreSpanColumn, ScoreSummaryQuery, ScoreSummaryRow } from "../score/types.js";
import type { Span } from "../span/types.js";
import { quantileSorted, sortedCopy } from "../stats/percentile.js";
import { NONE_GROUP, OTHER } from "./rollup/dimensions.js";
import { keptGroupSql } from "./sql-rows.js";

/** A score's value as a number: a boolean is 1 or 0; null for a label. */
export function scoreNumber(s: Pick<Score, "value">): number | null {
  if (typeof s.value === "boolean") return s.value ? 1 : 0;
  return s.value;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Summary rows in their order: by name, then group (byte-wise). */
export function byNameGroup(a: ScoreSummaryRow, b: ScoreSummaryRow): number {
  return cmp(a.name, b.name) || cmp(a.group ?? "", b.group ?? "");
}

type SpanColumns = Pick<Span, ScoreSpanColumn>;
type SpanLike = SpanColumns & Pick<Span, "span_id" | "parent_span_id" | "started_at">;

/**
 * The span a score speaks of: its span, or the trace's root span (no parent; the earliest,
 * then the lowest span_id, if the trace has several) for a trace-level score. null when it
 * is not stored (yet).
 */
export function scoredSpan<S extends SpanLike>(score: Pick<Score, "span_id">, traceSpans: readonly S[]): S | null {
  let best: S | null = null;
  for (const s of traceSpans) {
    if (score.span_id !== null) {
      if (s.span_id === score.span_id) return s;
      continue;
    }
    if (s.parent_span_id !== null) continue;
    if (
      best === null ||
      s.started_at < best.started_at ||
      (s.started_at === best.started_at && s.span_id < best.span_id)
    )
      best = s;
  }
  return best;
}

/** The memory driver's summarizeScores: `spanOf` finds the scored span (see scoredSpan). */
export function summarizeScoreList(
  scores: Iterable<Score>,
  spanOf: (s: Score) => SpanColumns | null,
  q: ScoreSummaryQuery,
): ScoreSummaryRow[] {
  const filter = Object.entries(q.filter ?? {}) as [ScoreSpanColumn, string][];
  const acc = new Map<string, { row: ScoreSummaryRow; values: number[] }>();
  for (const s of scores) {
    if (s.created_at < q.since || s.created_at > q.until) continue;
    if (q.name !== undefined && s.name !== q.name) continue;
    const span = filter.length > 0 || q.groupBy ? spanOf(s) : null;
    if (filter.some(([c, v]) => span === null || span[c] !== v)) continue;
    let group: string | null = null;
    if (q.groupBy) {
      group = span?.[q.groupBy.column] ?? NONE_GROUP;
      if (q.groupBy.keep !== undefined && !q.groupBy.keep.includes(group)) group = OTHER;
    }
    const key = `${s.name}\u0000${group ?? ""}`;
    let a = acc.get(key);
    if (a === undefined) {
      a = { row: emptyRow(s.name, group), values: [] };
      acc.set(key, a);
    }
    a.row.count++;
    const v = scoreNumber(s);
    if (v !== null) a.values.push(v);
    if (s.label !== null) a.row.labels[s.label] = (a.row.labels[s.label] ?? 0) + 1;
  }
  return [...acc.values()].map(({ row, values }) => withValues(row, values)).sort(byNameGroup);
}

function emptyRow(name: string, group: string | null): ScoreSummaryRow {
  return { name, group, count: 0, value_count: 0, sum: 0, min: null, max: null, p10: null, labels: {} };
}

function withValues(row: ScoreSummaryRow, values: number[]): ScoreSummaryRow {
  if (values.length === 0) return row;
  const sorted = sortedCopy(values);
  let sum = 0;
  for (const v of values) sum += v;
  return {
    ...row,
    value_count: values.length,
    sum,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    p10: quantileSorted(sorted, 0.1),
  };
}

/** The memory driver's scoreBuckets. */
export function scoreBucketList(scores: Iterable<Score>, bounds: readonly number[]): ScoreBucketRow[] {
  const byName = new Map<string, ScoreBucketRow>();
  for (const s of scores) {
    const v = scoreNumber(s);
    if (v === null) continue;
    let r = byName.get(s.name);
    if (r === undefined) {
      r = { name: s.name, count: 0, sum: 0, buckets: bounds.map(() => 0) };
      byName.set(s.name, r);
    }
    r.count++;
    r.sum += v;
    bounds.forEach((le, i) => {
      if (v <= le) (r as ScoreBucketRow).buckets[i]++;
    });
  }
  return [...byName.values()].sort((a, b) => cmp(a.name, b.name));
}

// ---- SQL (DuckDB and PostgreSQL) ----

/** How a SQL driver writes what differs: the exact 10th percentile, and byte-wise id order. */
export interface ScoreSqlDialect {
  p10(expr: string): string;
  /** span_id as ORDER BY compares it byte-wise (PostgreSQL adds a collation). */
  spanIdOrder: string;
}

const VALUE_SQL =
  "CASE WHEN value_num IS NOT NULL THEN value_num WHEN value_bool IS NULL THEN NULL WHEN value_bool THEN 1.0 ELSE 0.0 END";

/**
 * The two SELECTs of a summary over the same parameters: `values` (one row per name and
 * group: n, nv, total, lo, hi, p10) and `labels` (name, group, label, n).
 */
export function scoreSummarySql(
  q: ScoreSummaryQuery,
  d: ScoreSqlDialect,
): { values: string; labels: string; params: unknown[] } {
  const params: unknown[] = [];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  let where = `created_at >= ${add(q.since)} AND created_at <= ${add(q.until)}`;
  if (q.name !== undefined) where += ` AND name = ${add(q.name)}`;
  const filter = Object.entries(q.filter ?? {}) as [ScoreSpanColumn, string][];
  const cols = [...new Set([...filter.map(([c]) => c), ...(q.groupBy ? [q.groupBy.column] : [])])];
  let source = `SELECT name, label, ${VALUE_SQL} AS v FROM scores WHERE ${where}`;
  if (cols.length > 0) {
    // the scored span, or the trace's root span for a trace-level score (scoredSpan)
    const pick = cols.map((c) => `CASE WHEN s.span_id IS NULL THEN r.${c} ELSE sp.${c} END AS c_${c}`).join(", ");
    source = `WITH s AS (SELECT name, label, trace_id, span_id, ${VALUE_SQL} AS v FROM scores WHERE ${where}),
      r AS (SELECT DISTINCT ON (trace_id) trace_id, ${cols.join(", ")} FROM spans
        WHERE parent_span_id IS NULL AND trace_id IN (SELECT trace_id FROM s WHERE span_id IS NULL)
        ORDER BY trace_id, started_at, ${d.spanIdOrder})
      SELECT s.name, s.label, s.v, ${pick} FROM s
      LEFT JOIN spans sp ON s.span_id IS NOT NULL AND sp.trace_id = s.trace_id AND sp.span_id = s.span_id
      LEFT JOIN r ON s.span_id IS NULL AND r.trace_id = s.trace_id`;
  }
  const conds = filter.map(([c, v]) => `c_${c} = ${add(v)}`);
  const cond = conds.length > 0 ? `WHERE ${conds.join(" AND ")}` : "";
  const group = q.groupBy
    ? keptGroupSql(`coalesce(c_${q.groupBy.column}, ${add(NONE_GROUP)}::TEXT)`, q.groupBy.keep, add)
    : "CAST(NULL AS TEXT)";
  const from = `FROM (${source}) j`;
  return {
    values: `SELECT name, ${group} AS grp, count(*) AS n, count(v) AS nv, coalesce(sum(v), 0) AS total,
        min(v) AS lo, max(v) AS hi, ${d.p10("v")} AS p10 ${from} ${cond} GROUP BY 1, 2`,
    labels: `SELECT name, ${group} AS grp, label, count(*) AS n ${from}
        ${cond ? `${cond} AND` : "WHERE"} label IS NOT NULL GROUP BY 1, 2, 3`,
    params,
  };
}

type Row = Record<string, unknown>;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

type Read = (sql: string, params: unknown[]) => Promise<Row[]>;

/** summarizeScores of a SQL driver: both SELECTs of scoreSummarySql, read back. */
export async function summarizeScoresSql(
  read: Read,
  q: ScoreSummaryQuery,
  d: ScoreSqlDialect,
): Promise<ScoreSummaryRow[]> {
  const { values, labels, params } = scoreSummarySql(q, d);
  const [v, l] = await Promise.all([read(values, params), read(labels, params)]);
  return scoreSummaryRows(v, l, q.groupBy !== undefined);
}

/** scoreBuckets of a SQL driver. */
export async function scoreBucketsSqlRead(read: Read, bounds: readonly number[]): Promise<ScoreBucketRow[]> {
  return scoreBucketRows(await read(scoreBucketsSql(bounds), []), bounds);
}

/** The rows of scoreSummarySql's two SELECTs as summary rows, in their order. */
function scoreSummaryRows(values: Row[], labels: Row[], grouped: boolean): ScoreSummaryRow[] {
  const key = (r: Row) => `${String(r.name)}\u0000${r.grp === null ? "" : String(r.grp)}`;
  const byKey = new Map<string, ScoreSummaryRow>();
  for (const r of values) {
    const nv = Number(r.nv);
    byKey.set(key(r), {
      name: String(r.name),
      group: grouped ? String(r.grp) : null,
      count: Number(r.n),
      value_count: nv,
      sum: nv === 0 ? 0 : Number(r.total),
      min: numOrNull(r.lo),
      max: numOrNull(r.hi),
      p10: numOrNull(r.p10),
      labels: {},
    });
  }
  for (const r of labels) {
    const row = byKey.get(key(r));
    if (row) row.labels[String(r.label)] = Number(r.n);
  }
  return [...byKey.values()].sort(byNameGroup);
}

/** scoreBuckets for the SQL drivers: one row per name (name, n, total, b0, b1, ...). */
function scoreBucketsSql(bounds: readonly number[]): string {
  const cols = bounds.map((le, i) => `sum(CASE WHEN v <= ${Number(le)}::FLOAT8 THEN 1 ELSE 0 END) AS b${i}`);
  return `SELECT name, count(*) AS n, coalesce(sum(v), 0) AS total${cols.map((c) => `, ${c}`).join("")}
    FROM (SELECT name, ${VALUE_SQL} AS v FROM scores) s WHERE v IS NOT NULL GROUP BY name`;
}

/** The rows of scoreBucketsSql, sorted by name. */
function scoreBucketRows(rows: Row[], bounds: readonly number[]): ScoreBucketRow[] {
  return rows
    .map((r) => ({
      name: String(r.name),
      count: Number(r.n),
      sum: Number(r.total),
      buckets: bounds.map((_, i) => Number(r[`b${i}`] ?? 0)),
    }))
    .sort((a, b) => cmp(a.name, b.name));
}
