// Runs inside the store worker: which spans of a batch are already stored, by (trace_id, span_id).
// The worker is the file's only writer, so a filter of every id it holds, built at start and
// added to after each commit, answers "certainly new" for almost every span without a query;
// only a possible hit (a re-sent span, or a false positive) is checked against the table.
import { NUMBER_FIELDS, type SpanBatch, TEXT_FIELDS, TEXTS_PER_SPAN } from "./protocol.js";

const TRACE = TEXT_FIELDS.indexOf("trace_id");
const SPAN = TEXT_FIELDS.indexOf("span_id");

let h1 = 0;
let h2 = 0;

// cyrb53-style 64-bit hash of `trace_id \0 span_id` into (h1, h2), read in place from `text`.
function hashId(text: string, traceAt: number, traceLen: number, spanAt: number, spanLen: number): void {
  let a = 0xdeadbeef;
  let b = 0x41c6ce57;
  // Written out, not a closure: this runs for every span of every batch.
  for (let i = traceAt; i < traceAt + traceLen; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a, 2654435761);
  b = Math.imul(b, 1597334677);
  for (let i = spanAt; i < spanAt + spanLen; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  h1 = a >>> 0;
  // odd, so the probe sequence h1 + i * h2 visits distinct bits
  h2 = (b | 1) >>> 0;
}

// Bits set per id and bits per id of capacity: a false positive rate of about 1e-5 per
// layer, so an 8000-span batch of new spans needs the exact check about once in 12 batches.
const PROBES = 17;
const BITS_PER_ID = 24;
const MIN_CAPACITY = 1 << 20;
const TWO_32 = 4_294_967_296;

/** A Bloom filter of fixed capacity. */
class Layer {
  readonly bits: Uint32Array;
  private readonly m: number;
  count = 0;

  constructor(readonly capacity: number) {
    this.bits = new Uint32Array(Math.ceil((capacity * BITS_PER_ID) / 32));
    this.m = this.bits.length * 32;
  }

  // The i-th probe of (a, b), mapped onto [0, m) by multiplication (no modulo).
  private bit(a: number, b: number, i: number): number {
    return Math.floor((((a + Math.imul(i, b)) >>> 0) / TWO_32) * this.m);
  }

  add(a: number, b: number): void {
    for (let i = 0; i < PROBES; i++) {
      const bit = this.bit(a, b, i);
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
    this.count++;
  }

  has(a: number, b: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const bit = this.bit(a, b, i);
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * The ids of the stored spans as a growing Bloom filter: when a layer holds its capacity a
 * new one of twice the size takes the next ids, so the false positive rate stays about
 * 1e-5 per layer at 3 bytes per id of capacity (sized 1.25x the stored spans at start:
 * 10M spans, ~38 MB). Spans removed by retention stay in it: a re-sent old span only costs
 * an exact check that finds nothing.
 */
export class SpanIdFilter {
  private readonly layers: Layer[];

  constructor(expected = 0) {
    this.layers = [new Layer(Math.max(MIN_CAPACITY, Math.ceil(expected * 1.25)))];
  }

  private addHash(a: number, b: number): void {
    let last = this.layers[this.layers.length - 1];
    if (last.count >= last.capacity) {
      last = new Layer(last.capacity * 2);
      this.layers.push(last);
    }
    last.add(a, b);
  }

  private hasHash(a: number, b: number): boolean {
    for (const l of this.layers) if (l.has(a, b)) return true;
    return false;
  }

  /** Adds ids given as idHashes words (a committed batch, or a chunk of spans.id_hash). */
  addHashes(words: Int32Array, count = words.length / 2): void {
    for (let i = 0; i < count; i++) this.addHash(words[2 * i + 1] >>> 0, words[2 * i] >>> 0);
  }

  /**
   * Which spans of a batch to store: not a repeat of an earlier span of the batch (the first
   * copy wins) and not already stored. `stored` answers, for some trace ids, the
   * `trace_id \0 span_id` keys stored under them; it is asked only about possible hits.
   * Null when every span is new.
   */
  async newSpans(
    b: SpanBatch,
    starts: Int32Array,
    stored: (traceIds: string[]) => Promise<Set<string>>,
  ): Promise<Uint8Array | null> {
    const keep = new Uint8Array(b.count).fill(1);
    const words = b.idHashes ?? idHashes(b, starts);
    let dropped = 0;
    const seen = new Map<number, number[]>();
    const hits: number[] = [];
    for (let i = 0; i < b.count; i++) {
      const a = words[2 * i + 1] >>> 0;
      const c = words[2 * i] >>> 0;
      const same = seen.get(a);
      if (same === undefined) seen.set(a, [i]);
      else {
        const key = idKey(b, starts, i);
        if (same.some((j) => idKey(b, starts, j) === key)) {
          keep[i] = 0;
          dropped++;
          continue;
        }
        same.push(i);
      }
      if (this.hasHash(a, c)) hits.push(i);
    }
    if (hits.length > 0) {
      const found = await stored([...new Set(hits.map((i) => traceIdOf(b, starts, i)))]);
      for (const i of hits) {
        if (found.has(idKey(b, starts, i))) {
          keep[i] = 0;
          dropped++;
        }
      }
    }
    return dropped === 0 ? null : keep;
  }
}

/**
 * The id hash of every span of a batch as int64 words (low h2, high h1), the layout of the
 * spans.id_hash column, so the start-up load reads numbers instead of ids.
 */
export function idHashes(b: SpanBatch, starts: Int32Array): Int32Array {
  const out = new Int32Array(b.count * 2);
  for (let i = 0; i < b.count; i++) {
    hashSpan(b, starts, i);
    out[2 * i] = h2;
    out[2 * i + 1] = h1;
  }
  return out;
}

/** The id hash of `trace_id \0 span_id` in the same layout (rows written before id_hash existed). */
export function keyHash(key: string): [low: number, high: number] {
  const cut = key.indexOf("\u0000");
  hashId(key, 0, cut, cut + 1, key.length - cut - 1);
  return [h2 | 0, h1 | 0];
}

function hashSpan(b: SpanBatch, starts: Int32Array, i: number): void {
  const t = i * TEXTS_PER_SPAN + TRACE;
  const s = i * TEXTS_PER_SPAN + SPAN;
  hashId(b.text, starts[t], b.lengths[t], starts[s], b.lengths[s]);
}

/** Span i's `trace_id \0 span_id`. */
export function idKey(b: SpanBatch, starts: Int32Array, i: number): string {
  const t = i * TEXTS_PER_SPAN + TRACE;
  const s = i * TEXTS_PER_SPAN + SPAN;
  return `${b.text.substring(starts[t], starts[t] + b.lengths[t])}\u0000${b.text.substring(starts[s], starts[s] + b.lengths[s])}`;
}

/** Span i's trace_id. */
export function traceIdOf(b: SpanBatch, starts: Int32Array, i: number): string {
  const t = i * TEXTS_PER_SPAN + TRACE;
  return b.text.substring(starts[t], starts[t] + b.lengths[t]);
}

/** The batch with only the spans `keep` marks, in order (every column, hashes and id hashes included). */
export function keepSpans(b: SpanBatch, starts: Int32Array, keep: Uint8Array): SpanBatch {
  const idx: number[] = [];
  for (let i = 0; i < b.count; i++) if (keep[i] === 1) idx.push(i);
  const n = idx.length;
  const lengths = new Int32Array(n * TEXTS_PER_SPAN);
  const numbers = new Float64Array(n * NUMBER_FIELDS.length);
  const nulls = new Uint8Array(n * NUMBER_FIELDS.length);
  const blooms = new BigInt64Array(n);
  const ids = b.idHashes === undefined ? undefined : new Int32Array(n * 2);
  const hashCounts = new Int32Array(n);
  const hashStarts = new Int32Array(b.count);
  for (let i = 1; i < b.count; i++) hashStarts[i] = hashStarts[i - 1] + b.hashCounts[i - 1];
  const texts: string[] = [];
  const hashes: number[] = [];
  idx.forEach((i, j) => {
    const first = i * TEXTS_PER_SPAN;
    const last = first + TEXTS_PER_SPAN - 1;
    const end = starts[last] + Math.max(0, b.lengths[last]);
    texts.push(b.text.substring(starts[first], end));
    lengths.set(b.lengths.subarray(first, last + 1), j * TEXTS_PER_SPAN);
    for (let f = 0; f < NUMBER_FIELDS.length; f++) {
      numbers[f * n + j] = b.numbers[f * b.count + i];
      nulls[f * n + j] = b.nulls[f * b.count + i];
    }
    blooms[j] = b.blooms[i];
    if (ids !== undefined && b.idHashes !== undefined) {
      ids[2 * j] = b.idHashes[2 * i];
      ids[2 * j + 1] = b.idHashes[2 * i + 1];
    }
    hashCounts[j] = b.hashCounts[i];
    for (let k = 0; k < b.hashCounts[i]; k++) hashes.push(b.hashes[hashStarts[i] + k]);
  });
  return {
    count: n,
    text: texts.join(""),
    lengths,
    numbers,
    nulls,
    blooms,
    hashes: Int32Array.from(hashes),
    hashCounts,
    idHashes: ids,
  };
}
