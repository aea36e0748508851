import type { Attributes } from "../../span/types.js";

// Two indexes over each span's (key, value) attribute pairs, values taken as strings:
// - span_attrs.h: a 32-bit hash per pair, one row each. "h = ?" is pushed into the scan,
//   so a rare value (a request id) is found by scanning 4-byte integers, not JSON. A
//   collision (about one in 600 lookups over 7M rows) only costs an exact check that fails.
// - spans.attr_bloom: a 64-bit Bloom filter of the pairs (3 bits each). Scanning it rules
//   out almost every row before the exact JSON comparison: with 4 pairs per span ~0.5%
//   of non-matching rows get through.
// Both come from one string hash that is stable across processes and versions (unlike
// DuckDB's hash()): what insert computed, the query must compute again.

let h1 = 0;
let h2 = 0;

// cyrb53-style hash of `key \0 value` into (h1, h2); module state avoids an allocation per pair.
function hashPair(key: string, value: string): void {
  const s = `${key}\u0000${value}`;
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  h1 = a | 0;
  h2 = b | 0;
}

function setBit(m: [number, number], bit: number): void {
  if (bit < 32) m[0] |= 1 << bit;
  else m[1] |= 1 << (bit - 32);
}

/** Sets the 3 Bloom bits of the last hashed pair in m = [low 32, high 32]. */
function setBits(m: [number, number]): void {
  setBit(m, h1 & 63);
  setBit(m, (h1 >>> 8) & 63);
  setBit(m, h2 & 63);
}

function toBigInt(m: [number, number]): bigint {
  return BigInt.asIntN(64, (BigInt(m[1] >>> 0) << 32n) | BigInt(m[0] >>> 0));
}

/** The span_attrs.h value of one pair. */
export function pairHash(key: string, value: string): number {
  hashPair(key, value);
  return h1;
}

/** One pass over a span's attributes: the span_attrs hashes and the attr_bloom value. */
export function attrIndex(attrs: Attributes): { hashes: number[]; bloom: bigint } {
  const m: [number, number] = [0, 0];
  const hashes: number[] = [];
  for (const k in attrs) {
    if (!Object.hasOwn(attrs, k)) continue;
    hashPair(k, String(attrs[k]));
    hashes.push(h1);
    setBits(m);
  }
  return { hashes, bloom: toBigInt(m) };
}

/** The bits every span matching all these attr filters has set: `(attr_bloom & mask) = mask`. */
export function attrMask(filters: Record<string, string>): bigint {
  const m: [number, number] = [0, 0];
  for (const [k, v] of Object.entries(filters)) {
    hashPair(k, v);
    setBits(m);
  }
  return toBigInt(m);
}
