import type { ScoreStore, ScoreSummaryQuery, ScoreSummaryRow } from "../score/types.js";
import { roundTo } from "../stats/cost.js";
import { type JsonMap, toMap } from "./compute.js";
import type { Truncation } from "./groups.js";
import type { ScoreFilter, ScoreMetricsRequest } from "./score-params.js";

/** The score metrics alert rules take (with `score: NAME`), and the figure each reads. */
export const SCORE_METRICS = ["score_avg", "score_p10"] as const;
export type ScoreMetric = (typeof SCORE_METRICS)[number];

export function isScoreMetric(name: string): name is ScoreMetric {
  return (SCORE_METRICS as readonly string[]).includes(name);
}

/** One name's figures, as GET /metrics/scores shows them. */
export interface ScoreFigures {
  count: number;
  avg: number | null;
  p10: number | null;
  min: number | null;
  max: number | null;
  labels: JsonMap<number>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
// scores are shown to 6 decimals, as the quality family's
const score = (v: number | null) => (v === null ? null : roundTo(v, 6));

/** A summary row's figures: avg, p10, min and max over the values (null without one). */
export function scoreFigures(r: ScoreSummaryRow): ScoreFigures {
  const labels = Object.entries(r.labels).sort(([a], [b]) => cmp(a, b));
  return {
    count: r.count,
    avg: r.value_count === 0 ? null : score(r.sum / r.value_count),
    p10: score(r.p10),
    min: score(r.min),
    max: score(r.max),
    labels: toMap(labels),
  };
}

const byName = (rows: readonly ScoreSummaryRow[]) => toMap(rows.map((r) => [r.name, scoreFigures(r)]));

/** Scores created in [now - window, now], as GET /scores?window= reads them. */
export function scoreRange(windowMs: number, now: number): { since: number; until: number } {
  return { since: now - windowMs, until: now };
}

/**
 * The grouped rows, at most maxGroups groups plus "(other)": the groups with most scores
 * (all names together; ties by name) keep their name, as capGroups does for spans. One
 * query when the window holds few enough groups, two when some fold.
 */
async function cappedRows(
  store: ScoreStore,
  q: ScoreSummaryQuery & { groupBy: NonNullable<ScoreSummaryQuery["groupBy"]> },
  max: number,
): Promise<{ rows: ScoreSummaryRow[]; truncation: Truncation }> {
  const rows = await store.summarizeScores(q);
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.group ?? "", (counts.get(r.group ?? "") ?? 0) + r.count);
  if (counts.size <= max) return { rows, truncation: {} };
  const keep = [...counts]
    .sort(([a, n], [b, m]) => m - n || cmp(a, b))
    .slice(0, max)
    .map(([g]) => g);
  const folded = await store.summarizeScores({ ...q, groupBy: { ...q.groupBy, keep } });
  return { rows: folded, truncation: { truncated: true, groups_total: counts.size } };
}

/**
 * GET /metrics/scores: `{"window", "scores": {name: figures}}`; with groupby also
 * `"by_<column>": {group: {"scores": {name: figures}}}` (groups sorted by name), and
 * `"truncated", "groups_total"` when groups were folded into "(other)".
 */
export async function scoreMetrics(
  store: ScoreStore,
  req: ScoreMetricsRequest,
  now: number,
): Promise<Record<string, unknown>> {
  const base: ScoreSummaryQuery = { ...scoreRange(req.window.ms, now), name: req.name, filter: req.filter };
  const column = req.groupBy;
  const [total, grouped] = await Promise.all([
    store.summarizeScores(base),
    column === null ? null : cappedRows(store, { ...base, groupBy: { column } }, req.maxGroups),
  ]);
  const body: Record<string, unknown> = { window: req.window.label, scores: byName(total) };
  if (column !== null && grouped !== null) {
    const groups = new Map<string, ScoreSummaryRow[]>();
    for (const r of grouped.rows) {
      const g = r.group ?? "";
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    const sorted = [...groups].sort(([a], [b]) => cmp(a, b));
    body[`by_${column}`] = toMap(sorted.map(([g, rows]) => [g, { scores: byName(rows) }]));
    Object.assign(body, grouped.truncation);
  }
  return body;
}

/**
 * The value of a score rule (score_avg or score_p10 of one name) over a window ending at
 * `now`, filtered through the scored span: the figure GET /metrics/scores shows. `count` is
 * the number of scores with a value it was computed from (a rule's min_spans).
 *
 * @example await scoreValue(store.scores, { metric: "score_avg", score: "helpfulness", windowMs: 3_600_000, filter: {} }, now)
 */
export async function scoreValue(
  store: ScoreStore,
  q: { metric: ScoreMetric; score: string; windowMs: number; filter: ScoreFilter },
  now: number,
): Promise<{ value: number | null; count: number }> {
  const [row] = await store.summarizeScores({ ...scoreRange(q.windowMs, now), name: q.score, filter: q.filter });
  if (row === undefined) return { value: null, count: 0 };
  const f = scoreFigures(row);
  return { value: q.metric === "score_avg" ? f.avg : f.p10, count: row.value_count };
}
