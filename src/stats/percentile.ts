/**
 * Exact percentiles with linear interpolation between the two nearest ranks: the same
 * definition as DuckDB's `quantile_cont` and PostgreSQL's `percentile_cont`, so every store
 * driver reports the same figure. For sorted values x[0..n-1] and q in [0, 1]:
 * h = (n-1)*q, lo = floor(h), hi = ceil(h), result = x[lo] + (x[hi]-x[lo]) * (h-lo).
 *
 * @example quantileSorted([10, 20, 30, 40], 0.5) // 25
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  if (lo === hi) return sorted[lo];
  // Same operation order as DuckDB's interpolation (lo + delta * d) so results match bit for bit.
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

/** Sorts a copy numerically (Float64Array sorts by value, not as strings). */
export function sortedCopy(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}
