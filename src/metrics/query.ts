import { ApiError } from "../errors.js";
import { SCORE_SPAN_COLUMNS } from "../score/types.js";
import { OTHER } from "../store/rollup/dimensions.js";
import type { GroupBy, SpanFilter, Store, SummaryRow } from "../store/store.js";
import {
  FAMILY_STATS,
  type Family,
  findFamily,
  findScalar,
  knownMetricNames,
  type ScalarMetric,
  type Stats,
} from "./catalogue.js";
import { allBlocks, costByModel, familyBlock, toMap } from "./compute.js";
import { type Figures, figures } from "./figures.js";
import { capGroups, type Truncation } from "./groups.js";
import type { Grouping } from "./params.js";
import type { ScoreFilter } from "./score-params.js";
import { isScoreMetric, scoreValue } from "./scores.js";
import type { Window } from "./window.js";

/**
 * The span range of a window ending at `now`: started_at in (now - window, now], the same
 * left-open range as a Prometheus range selector, as the store's [from, to).
 */
export function windowRange(windowMs: number, now: number): { from: number; to: number } {
  return { from: now - windowMs + 1, to: now + 1 };
}

export interface MetricValueQuery {
  /** A scalar metric name (span_count, total_cost, latency_p95, error_rate, ...) or a score metric (score_avg, score_p10). */
  metric: string;
  windowMs: number;
  filter: SpanFilter;
  /** The score name of a score metric. */
  score?: string;
}

/**
 * The value of one scalar metric over a window ending at `now`: THE function alert rules call,
 * so a rule and GET /metrics/{name} never compute a figure differently. `value` is null when
 * it is undefined (no spans, no scored spans, ...). Unknown metric names throw unknown_metric.
 * A score metric (with `score`) reads the scores of that name instead (scoreValue): then
 * `span_count` is the number of scores with a value.
 *
 * @example await metricValue(store, { metric: "latency_p95", windowMs: 1_800_000, filter: { model: "gpt-4o" } }, now)
 */
export async function metricValue(
  store: Store,
  q: MetricValueQuery,
  now: number,
): Promise<{ value: number | null; span_count: number }> {
  if (isScoreMetric(q.metric) && q.score !== undefined) {
    // scores created in the window, filtered through the scored span's columns
    const filter: ScoreFilter = {};
    for (const c of SCORE_SPAN_COLUMNS) if (q.filter[c] !== undefined) filter[c] = q.filter[c];
    const r = await scoreValue(store.scores, { metric: q.metric, score: q.score, windowMs: q.windowMs, filter }, now);
    return { value: r.value, span_count: r.count };
  }
  const metric = findScalar(q.metric);
  if (!metric) throw unknownMetric(q.metric);
  const [row] = await store.summarize({ ...windowRange(q.windowMs, now), filter: q.filter, stats: metric.stats });
  return { value: metric.value(figures(row, q.windowMs)), span_count: row.span_count };
}

/** The group spans without the group-by key fall in (every driver names it so). */
const NONE_GROUP = "(none)";

/**
 * The value of one scalar metric per group over a window ending at `now`, for group-by
 * alert rules: the same figures as GET /metrics/{name}?groupby=, every group (no cap).
 * Spans without the key ("(none)") and a declared dimension's folded values ("(other)") are
 * not a group of their own: neither names one user, model or caller.
 */
export async function metricValuesByGroup(
  store: Store,
  q: MetricValueQuery & { groupBy: GroupBy },
  now: number,
): Promise<{ group: string; value: number | null; span_count: number }[]> {
  const metric = findScalar(q.metric);
  if (!metric) throw unknownMetric(q.metric);
  const rows = await store.summarize({
    ...windowRange(q.windowMs, now),
    filter: q.filter,
    groupBy: q.groupBy,
    stats: metric.stats,
  });
  return rows.flatMap((r) =>
    r.group === null || r.group === NONE_GROUP || r.group === OTHER
      ? []
      : [{ group: r.group, value: metric.value(figures(r, q.windowMs)), span_count: r.span_count }],
  );
}

export function unknownMetric(name: string): ApiError {
  return new ApiError("unknown_metric", `unknown metric "${name}"; known: ${knownMetricNames().join(", ")}`);
}

export interface MetricsRequest {
  window: Window;
  filter: SpanFilter;
  grouping: Grouping | null;
  /** The most groups a grouped answer names; the rest fold into "(other)" (see capGroups). */
  maxGroups: number;
}

const ALL_STATS: Stats = ["latency", "quality"];
const BY_MODEL: Grouping = { groupBy: { column: "model" }, key: "by_model" };

function summarize(
  store: Store,
  req: MetricsRequest,
  now: number,
  grouping: Grouping | null,
  stats: Stats,
): Promise<SummaryRow[]> {
  return store.summarize({ ...windowRange(req.window.ms, now), filter: req.filter, groupBy: grouping?.groupBy, stats });
}

/** The rows of a grouped request, at most req.maxGroups groups plus "(other)", and what the body says of the cap. */
async function groupedRows(
  store: Store,
  req: MetricsRequest,
  grouping: Grouping,
  now: number,
  stats: Stats,
): Promise<{ rows: SummaryRow[]; truncation: Truncation }> {
  const range = windowRange(req.window.ms, now);
  const { groupBy, truncation } = await capGroups(
    store,
    { ...range, filter: req.filter },
    grouping.groupBy,
    req.maxGroups,
  );
  const rows = await store.summarize({ ...range, filter: req.filter, groupBy, stats });
  return { rows, truncation };
}

/**
 * With a group-by, how many spans fell into the "(other)" group of a declared dimension
 * (metrics.max_dimension_values): present only when some did.
 */
function folded(rows: SummaryRow[]): Record<string, number> {
  const other = rows.find((r) => r.group === OTHER);
  return other ? { folded_span_count: other.span_count } : {};
}

/** GET /metrics: every family for the window; with groupby, the same blocks per group under `by_<key>`. */
export async function overview(store: Store, req: MetricsRequest, now: number): Promise<Record<string, unknown>> {
  const [total, models, groups] = await Promise.all([
    summarize(store, req, now, null, ALL_STATS),
    summarize(store, req, now, BY_MODEL, []),
    req.grouping ? groupedRows(store, req, req.grouping, now, ALL_STATS) : Promise.resolve(null),
  ]);
  const body: Record<string, unknown> = {
    window: req.window.label,
    ...allBlocks(figures(total[0], req.window.ms), costByModel(models, req.window.ms)),
  };
  if (req.grouping && groups) {
    body[req.grouping.key] = toMap(groups.rows.map((r) => [r.group ?? "", allBlocks(figures(r, req.window.ms))]));
    Object.assign(body, folded(groups.rows), groups.truncation);
  }
  return body;
}

/** GET /metrics/{family}: the family's block (seed shape), or per group under `by_<key>`. */
async function familyResponse(
  store: Store,
  family: Family,
  req: MetricsRequest,
  now: number,
): Promise<Record<string, unknown>> {
  const ms = req.window.ms;
  if (req.grouping) {
    const { rows, truncation } = await groupedRows(store, req, req.grouping, now, FAMILY_STATS[family]);
    const groups = rows.map((r): [string, unknown] => {
      const f = figures(r, ms);
      return [r.group ?? "", { ...familyBlock(family, f), span_count: f.span_count }];
    });
    return { window: req.window.label, [req.grouping.key]: toMap(groups), ...folded(rows), ...truncation };
  }
  const [total, models] = await Promise.all([
    summarize(store, req, now, null, FAMILY_STATS[family]),
    family === "cost" ? summarize(store, req, now, BY_MODEL, []) : Promise.resolve([]),
  ]);
  const f = figures(total[0], ms);
  const block = familyBlock(family, f, family === "cost" ? costByModel(models, ms) : undefined);
  return { window: req.window.label, ...block, span_count: f.span_count };
}

/** GET /metrics/{scalar}: one value, or one value per group under `by_<key>`. */
async function scalarResponse(
  store: Store,
  metric: ScalarMetric,
  req: MetricsRequest,
  now: number,
): Promise<Record<string, unknown>> {
  const head = { window: req.window.label, metric: metric.name, unit: metric.unit };
  // a cost figure says how many calls it leaves out for want of a price
  const costly = metric.unit === "usd";
  if (req.grouping) {
    const { rows, truncation } = await groupedRows(store, req, req.grouping, now, metric.stats);
    const figs = rows.map((r): [string, Figures] => [r.group ?? "", figures(r, req.window.ms)]);
    return {
      ...head,
      [req.grouping.key]: toMap(figs.map(([g, f]) => [g, metric.value(f)])),
      ...(costly ? { [`unpriced_${req.grouping.key}`]: toMap(figs.map(([g, f]) => [g, f.unpriced_span_count])) } : {}),
      ...folded(rows),
      ...truncation,
    };
  }
  const rows = await summarize(store, req, now, null, metric.stats);
  const f = figures(rows[0], req.window.ms);
  return {
    ...head,
    value: metric.value(f),
    span_count: f.span_count,
    ...(costly ? { unpriced_span_count: f.unpriced_span_count } : {}),
  };
}

/** GET /metrics/{name}: a family (or its alias) first, then a scalar metric; anything else is a 404. */
export async function metricByName(
  store: Store,
  name: string,
  req: MetricsRequest,
  now: number,
): Promise<Record<string, unknown>> {
  const family = findFamily(name);
  if (family) return familyResponse(store, family, req, now);
  const scalar = findScalar(name);
  if (scalar) return scalarResponse(store, scalar, req, now);
  throw unknownMetric(name);
}
