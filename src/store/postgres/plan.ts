import type { SummaryQuery } from "../store.js";
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

/**
 * Rollups answer queries without buckets whose filter and grouping only use the rollup's
 * columns; attribute filters, attribute groups and bucketed series read raw spans.
 */
export function plan(q: SummaryQuery): Plan {
  const g = q.groupBy;
  const rollup = !q.stepMs && rollupFilter(q.filter) && (g === undefined || "column" in g);
  const segs = rollup ? segments(q.from, q.to, GRAINS) : [{ grain: null, from: q.from, to: q.to }];
  return { q, segs, rollup: rollup && segs.some((s) => s.grain !== null) };
}

/** Raw LLM spans of the plan's raw segments with their group and bucket (a subquery). */
export function rawSource(pl: Plan, p: Params, segs: readonly Segment[] = pl.segs): string {
  const { q } = pl;
  let bucket = "NULL::bigint";
  if (q.stepMs) {
    const from = p.add(q.from);
    const step = p.add(q.stepMs);
    bucket = `((started_at - ${from}::bigint) / ${step}::bigint) * ${step}::bigint + ${from}::bigint`;
  }
  const where = ["model IS NOT NULL", rawRanges(segs, (v) => p.add(v)), ...filterConditions(q.filter, p)];
  return `(SELECT ${groupExpr(q.groupBy, p)} AS grp, ${bucket} AS bucket, * FROM spans WHERE ${where.join(" AND ")})`;
}
