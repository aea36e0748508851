/**
 * Rollup resolutions and the edge rules every store follows. Spans are rolled up into UTC
 * hours and UTC days (see docs/storage.md for why these two): a window [from, to) is read
 * as whole days, then whole hours, and only the ragged ends that no whole hour covers come
 * from the spans themselves.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Coarsest first: the planner takes the largest whole buckets it can. */
export const RESOLUTIONS = [DAY_MS, HOUR_MS] as const;

/** Start of the bucket of `t` at resolution `res` (epoch ms, UTC). */
export function bucketOf(t: number, res: number): number {
  return Math.floor(t / res) * res;
}

/** A time range [from, to) in epoch ms. */
export interface Range {
  from: number;
  to: number;
}

/** Rollup buckets of one resolution whose start lies in [from, to). */
export interface BucketRange extends Range {
  res: number;
}

/** How a window is read: rollup buckets, plus span ranges for the ragged edges. */
export interface WindowPlan {
  rollups: BucketRange[];
  spans: Range[];
}

function push<T extends Range>(list: T[], r: T, same: (a: T, b: T) => boolean): void {
  if (r.from >= r.to) return;
  const last = list[list.length - 1];
  // Adjacent pieces merge, so a series of many buckets still gives a short condition list.
  if (last !== undefined && last.to === r.from && same(last, r)) last.to = r.to;
  else list.push({ ...r });
}

function planInto(from: number, to: number, i: number, plan: WindowPlan): void {
  if (from >= to) return;
  const res = RESOLUTIONS[i];
  if (res === undefined) {
    push(plan.spans, { from, to }, () => true);
    return;
  }
  const first = Math.ceil(from / res) * res;
  const end = Math.floor(to / res) * res;
  if (first >= end) {
    planInto(from, to, i + 1, plan);
    return;
  }
  planInto(from, first, i + 1, plan);
  push(plan.rollups, { res, from: first, to: end }, (a, b) => a.res === b.res);
  planInto(end, to, i + 1, plan);
}

/**
 * The pieces of [from, to), or of each series bucket [from + k*step, ...) when stepMs is
 * given (a rollup bucket must fall inside one series bucket, so each is planned alone).
 * Whole buckets come from rollups only before `rollupsBefore`; the window after it from spans.
 *
 * @example planWindow(Date.UTC(2026, 0, 1, 0, 30), Date.UTC(2026, 0, 1, 3)) // spans 00:30–01:00, hours 01:00–03:00
 */
export function planWindow(
  from: number,
  to: number,
  stepMs?: number,
  rollupsBefore = Number.POSITIVE_INFINITY,
): WindowPlan {
  const plan: WindowPlan = { rollups: [], spans: [] };
  // Rollup rows only before `rollupsBefore` (a store may not have built the later ones yet).
  const cut = Math.max(from, Math.min(to, rollupsBefore));
  if (!stepMs) planInto(from, cut, 0, plan);
  else for (let a = from; a < cut; a += stepMs) planInto(a, Math.min(a + stepMs, cut), 0, plan);
  push(plan.spans, { from: cut, to }, () => true);
  return plan;
}
