/** A piece of a time range: read from the rollup of `grain`, or from raw spans when grain is null. */
export interface Segment {
  grain: number | null;
  from: number;
  to: number;
}

/**
 * Splits [from, to) into the fewest rollup periods plus raw edges: whole periods of the
 * coarsest grain, then of the next grain on each side, and raw spans for what is left (less
 * than one period of the finest grain at each end). Grains must each divide the previous one.
 *
 * @example segments(90 * MIN, 50 * HOUR, [DAY, HOUR])
 * // raw [1.5h, 2h), hours [2h, 24h), day [24h, 48h), hours [48h, 50h)
 */
export function segments(from: number, to: number, grains: readonly number[]): Segment[] {
  if (from >= to) return [];
  if (grains.length === 0) return [{ grain: null, from, to }];
  const [g, ...finer] = grains;
  const a = Math.ceil(from / g) * g;
  const b = Math.floor(to / g) * g;
  if (a >= b) return segments(from, to, finer);
  return [...segments(from, a, finer), { grain: g, from: a, to: b }, ...segments(b, to, finer)];
}

/** SQL (ORed ranges, "FALSE" when none) selecting rollup rows of these segments; `p` binds numbers. */
export function rollupRanges(segs: readonly Segment[], add: (v: unknown) => string): string {
  const parts = segs
    .filter((s) => s.grain !== null)
    .map((s) => `(grain = ${add(s.grain)}::bigint AND t >= ${add(s.from)}::bigint AND t < ${add(s.to)}::bigint)`);
  return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
}

/** SQL (ORed ranges, "FALSE" when none) selecting raw spans of these segments. */
export function rawRanges(segs: readonly Segment[], add: (v: unknown) => string): string {
  const parts = segs
    .filter((s) => s.grain === null)
    .map((s) => `(started_at >= ${add(s.from)}::bigint AND started_at < ${add(s.to)}::bigint)`);
  return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
}
