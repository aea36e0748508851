/**
 * Exact decimal money arithmetic, the one path every store driver and the metrics use.
 * Costs are stored with 12 decimals (DuckDB DECIMAL(18,12), PostgreSQL numeric); summing
 * them as binary floats drifts (0.1 + 0.2 = 0.30000000000000004), so sums are kept as
 * integer pico-dollars (1e-12 USD) in a bigint and turned back into a number only once.
 */
export const COST_SCALE = 12;
/** Digits of a stored cost (DECIMAL(18, 12)). */
export const COST_WIDTH = 18;
const SCALE = 10n ** BigInt(COST_SCALE);

/**
 * The exact decimal a JS number denotes, in pico-dollars, rounded half away from zero past
 * 12 places (as PostgreSQL rounds numeric). Goes through the shortest decimal string, so
 * 0.00448 is 4480000000, not the nearest binary double times 10^12.
 *
 * @example exactPico(0.00448) // 4480000000n
 */
export function exactPico(usd: number): bigint {
  let s = String(usd);
  if (/e/i.test(s)) s = usd.toFixed(20);
  const neg = s.startsWith("-");
  if (neg) s = s.slice(1);
  const [int, frac = ""] = s.split(".");
  let scaled = BigInt(int + frac.slice(0, COST_SCALE).padEnd(COST_SCALE, "0"));
  if (frac.length > COST_SCALE && frac.charCodeAt(COST_SCALE) >= 53 /* '5' */) scaled += 1n;
  return neg ? -scaled : scaled;
}

/**
 * A cost in USD as integer pico-dollars: exactPico's answer, without its string work for
 * the usual costs (~2 µs a span saved). Below 1000, x = usd × 10^12 is within 0.13 of the
 * exact scaled decimal, so rounding x gives the same answer unless x sits near a half (then
 * the exact path decides).
 *
 * @example toPico(0.1) // 100000000000n
 */
export function toPico(usd: number): bigint {
  if (Math.abs(usd) < 1000) {
    const x = usd * 1e12;
    const frac = Math.abs(x - Math.trunc(x));
    if (frac < 0.25 || frac > 0.75) return BigInt(Math.round(x));
  }
  return exactPico(usd);
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
