/**
 * Exact decimal money arithmetic. Costs are stored with 12 decimals (DuckDB DECIMAL(18,12));
 * summing them as binary floats drifts (0.1 + 0.2 = 0.30000000000000004), so sums are kept as
 * integer pico-dollars (1e-12 USD) in a bigint and turned back into a number only once.
 */
export const COST_SCALE = 12;
const SCALE = 10n ** BigInt(COST_SCALE);

/** A cost in USD as integer pico-dollars, rounded to 12 decimals. */
export function toPico(usd: number): bigint {
  const scaled = usd * 1e12;
  if (Math.abs(scaled) < Number.MAX_SAFE_INTEGER) return BigInt(Math.round(scaled));
  // Past 2^53 the product loses integer precision: go through the decimal text instead.
  const [int, frac = ""] = usd.toFixed(COST_SCALE).split(".");
  return BigInt(int + frac.padEnd(COST_SCALE, "0"));
}

/** Pico-dollars back to the nearest double, through decimal text so there is a single rounding. */
export function fromPico(pico: bigint): number {
  const neg = pico < 0n;
  const abs = neg ? -pico : pico;
  const text = `${neg ? "-" : ""}${abs / SCALE}.${(abs % SCALE).toString().padStart(COST_SCALE, "0")}`;
  return Number(text);
}

/** Rounds to 12 decimals, removing float noise from a ratio of costs. */
export function roundCost(usd: number): number {
  return Number(usd.toFixed(COST_SCALE));
}

/** Rounds to `digits` decimals (used for ms and score figures so drivers agree to the last digit shown). */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
