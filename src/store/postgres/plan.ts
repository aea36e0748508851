import { readsSpans, type SummaryQuery } from "../store.js";
import { filterConditions, groupExpr, type Params, rollupFilter } from "./filter.js";
import { GRAINS } from "./schema.js";
import { rawRanges, type Segment, segments } from "./segments.js";

/** Runs SQL with positional parameters and returns rows (int8 and numeric already numbers). */
export type Query = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

export const rowKey = (bucket: unknown, grp: unknown) => `${bucket ?? ""}\u0000${grp ?? ""}`;

/** The plan of one summary: which parts of the range come from rollups, which from raw spans. */
export interface Plan {
  q: SummaryQuery;
  segs: Segment[];
  /** Counts and sums use the rollup table for whole periods. */
  rollup: boolean;
}

/** Most buckets a series reads from rollups; finer series (more buckets) read raw spans. */
const MAX_ROLLUP_BUCKETS = 2000;

/**
 * The pieces of [from, to): per bucket when the query has them (so every rollup row lies in
 * one bucket), adjacent pieces of the same kind merged to keep the SQL short.
 */
function pieces(q: SummaryQuery): Segment[] {
  const all: Segment[] = [];
  if (!q.stepMs) all.push(...segments(q.from, q.to, GRAINS));
  else {
    for (let b = q.from; b < q.to; b += q.stepMs) all.push(...segments(b, Math.min(b + q.stepMs, q.to), GRAINS));
  }
  const merged: Segment[] = [];
  for (const s of all) {
    const last = merged.at(-1);
    if (last && last.grain === s.grain && last.to === s.from) last.to = s.to;
    else merged.push({ ...s });
  }
  return merged;
}

/**
 * Rollups answer queries whose filter and grouping only use the rollup's columns, with or
 * without buckets; attribute, session_id and user_id filters and groups read raw spans.
 */
export function plan(q: SummaryQuery): Plan {
  const g = q.groupBy;
  const buckets = q.stepMs ? Math.ceil((q.to - q.from) / q.stepMs) : 1;
  const rollup =
    buckets <= MAX_ROLLUP_BUCKETS &&
    rollupFilter(q.filter) &&
    (g === undefined || "column" in g) &&
    !readsSpans(q.filter, g);
  const segs = rollup ? pieces(q) : [{ grain: null, from: q.from, to: q.to }];
  return { q, segs, rollup: rollup && segs.some((s) => s.grain !== null) };
}

const FIGURES =
  "cost_usd, prompt_tokens, comp_tokens, total_tokens, cached_tokens, reasoning_tokens, latency_ms, ttft_ms, eval_score, status";

/** The bucket (from + k*step) of a time column, or NULL without buckets. */
export function bucketExpr(q: SummaryQuery, p: Params, col: string): string {
  if (!q.stepMs) return "NULL::bigint";
  const from = p.add(q.from);
  const step = p.add(q.stepMs);
  return `((${col} - ${from}::bigint) / ${step}::bigint) * ${step}::bigint + ${from}::bigint`;
}

/** Raw LLM spans of the plan's raw segments with their group and bucket (a subquery). */
export function rawSource(pl: Plan, p: Params, segs: readonly Segment[] = pl.segs): string {
  const { q } = pl;
  const bucket = bucketExpr(q, p, "started_at");
  const where = ["model IS NOT NULL", rawRanges(segs, (v) => p.add(v)), ...filterConditions(q.filter, p)];
  // Only the figures summaries use: sorting or hashing narrow rows is much cheaper than whole spans.
  return `(SELECT ${groupExpr(q.groupBy, p)} AS grp, ${bucket} AS bucket, ${FIGURES} FROM spans WHERE ${where.join(" AND ")})`;
}
