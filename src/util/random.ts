/** A source of uniform numbers in [0, 1). */
export type Rand = () => number;

/**
 * mulberry32: a tiny, fast seeded generator, so generated data (demo traffic, test
 * fixtures, benchmark data sets) is the same for the same seed and a failure reproduces.
 *
 * @example const r = prng(42); r() // 0.6011037519201636
 */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
