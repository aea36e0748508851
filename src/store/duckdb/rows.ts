/** cost_usd is DECIMAL(18, 12): scaled integers with 12 fractional digits. */
export const COST_WIDTH = 18;
export const COST_SCALE = 12;

/**
 * The exact decimal a JS number denotes, scaled by 10^12 (half-up past 12 places).
 * Goes through the shortest decimal string so 0.00448 is 4480000000, not the
 * nearest binary double times 10^12.
 *
 * @example costToScaled(0.00448) // 4480000000n
 */
export function costToScaled(n: number): bigint {
  let s = String(n);
  if (/e/i.test(s)) s = n.toFixed(20);
  const neg = s.startsWith("-");
  if (neg) s = s.slice(1);
  const [int, frac = ""] = s.split(".");
  let scaled = BigInt(int + frac.slice(0, COST_SCALE).padEnd(COST_SCALE, "0"));
  if (frac.length > COST_SCALE && frac.charCodeAt(COST_SCALE) >= 53 /* '5' */) scaled += 1n;
  return neg ? -scaled : scaled;
}
