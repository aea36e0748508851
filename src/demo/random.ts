// Seeded randomness for the demo traffic: the same seed and clock give the same store.

import type { Rand } from "../util/random.js";

export type { Rand };

/** Integer in [lo, hi]. */
export function int(r: Rand, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** One item, chosen with probability proportional to its weight. */
export function weighted<T>(r: Rand, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  let x = r() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1][0];
}

export function pick<T>(r: Rand, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

/** Standard normal (Box–Muller). */
export function normal(r: Rand): number {
  const u = 1 - r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

/** Log-normal around `median`: latencies and token counts have long right tails. */
export function logNormal(r: Rand, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(r));
}

/** A lowercase v4-shaped UUID drawn from the generator (never from crypto: reproducible). */
export function uuid(r: Rand): string {
  let hex = "";
  for (let i = 0; i < 32; i++) hex += Math.floor(r() * 16).toString(16);
  const v = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${v}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
