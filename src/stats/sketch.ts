/**
 * Percentiles of large sets from a log-bucket histogram (the DDSketch idea): a value v > 0
 * falls in bin i = ceil(ln(v) / ln(γ)) covering (γ^(i-1), γ^i], whose representative
 * 2γ^i / (γ+1) is within α = (γ-1)/(γ+1) of every value in the bin. With α = 0.5%, a
 * percentile interpolated between two representatives is within 0.5% of the exact one.
 * Counting bins is a hash aggregation, much cheaper than sorting millions of values.
 */
const SKETCH_ALPHA = 0.005;
const GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
/** 1 / ln(γ): the drivers compute bins as ceil(ln(v) * SKETCH_K), the same constant everywhere. */
export const SKETCH_K = 1 / Math.log(GAMMA);
/** Offset keeping positive-value bins positive and negative-value bins negative; 0 is the bin of 0. */
export const BIN_OFFSET = 10_000;

/** Rows (or groups) with more values than this get sketched percentiles; smaller ones exact. */
export const DEFAULT_EXACT_LIMIT = 100_000;

/** The bin of a value; SQL drivers compute the same expression (see binSql). */
export function binOf(v: number): number {
  if (v > 0) return BIN_OFFSET + Math.ceil(Math.log(v) * SKETCH_K);
  if (v < 0) return -(BIN_OFFSET + Math.ceil(Math.log(-v) * SKETCH_K));
  return 0;
}

/** SQL computing binOf(col); `k` is the placeholder bound to SKETCH_K. */
export function binSql(col: string, k: string): string {
  return `CASE WHEN ${col} > 0 THEN ${BIN_OFFSET} + ceil(ln(${col}) * ${k})::INTEGER WHEN ${col} < 0 THEN -(${BIN_OFFSET} + ceil(ln(-${col}) * ${k})::INTEGER) ELSE 0 END`;
}

/** The representative value of a bin. */
function binValue(bin: number): number {
  if (bin === 0) return 0;
  const i = Math.abs(bin) - BIN_OFFSET;
  const v = (2 * GAMMA ** i) / (GAMMA + 1);
  return bin > 0 ? v : -v;
}

/** One bin's count and the exact smallest and largest value counted in it. */
export interface Bin {
  n: number;
  lo: number;
  hi: number;
}
/** A histogram: bin index → bin. */
export type Bins = Map<number, Bin>;

/** Adds one value to its bin (count, and the bin's lowest and highest value seen). */
export function addBin(bins: Bins, v: number): void {
  const key = binOf(v);
  const b = bins.get(key);
  if (b === undefined) bins.set(key, { n: 1, lo: v, hi: v });
  else {
    b.n++;
    if (v < b.lo) b.lo = v;
    if (v > b.hi) b.hi = v;
  }
}

function binsOf(values: Iterable<number>): Bins {
  const bins: Bins = new Map();
  for (const v of values) addBin(bins, v);
  return bins;
}

/**
 * Percentiles of a histogram, with the same rank interpolation as the exact method. A bin's
 * representative is clamped to the values it really holds, so a bin of equal values (scores
 * such as 0.67, latencies rounded to 0.1 ms) gives them exactly, and no figure leaves the
 * data's range.
 */
export function quantilesFromBins(bins: Bins, qs: readonly number[]): (number | null)[] {
  const sorted = [...bins.entries()]
    .map(([key, b]) => [Math.min(b.hi, Math.max(b.lo, binValue(key))), b.n] as const)
    .sort((x, y) => x[0] - y[0]);
  const n = sorted.reduce((sum, [, c]) => sum + c, 0);
  if (n === 0) return qs.map(() => null);
  const at = (rank: number): number => {
    let seen = 0;
    for (const [v, c] of sorted) {
      seen += c;
      if (rank < seen) return v;
    }
    return sorted[sorted.length - 1][0];
  };
  return qs.map((q) => {
    const h = (n - 1) * q;
    const lo = Math.floor(h);
    const x = at(lo);
    return lo === h ? x : x + (at(Math.ceil(h)) - x) * (h - lo);
  });
}

/** Sketched percentiles of raw values (the memory driver's path for large rows). */
export function sketchQuantiles(values: readonly number[], qs: readonly number[]): (number | null)[] {
  return quantilesFromBins(binsOf(values), qs);
}
