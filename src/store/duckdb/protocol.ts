import { namesOfKind } from "../../schema/span.js";
import type { Score } from "../../score/types.js";
import type { Span } from "../../span/types.js";
import type { Dimensions } from "../rollup/dimensions.js";
import { attrIndex } from "./bloom.js";
import type { ContentCall } from "./content-read.js";
import type { ContentColumns } from "./content-schema.js";

/** Span string fields carried in SpanBatch.text, in schema order per span, then the attributes JSON. */
export const TEXT_FIELDS = namesOfKind("string", "status");
/** Strings per span in SpanBatch.text: TEXT_FIELDS and the attributes JSON last. */
export const TEXTS_PER_SPAN = TEXT_FIELDS.length + 1;
/** Span number fields carried in SpanBatch.numbers, column by column in schema order. */
export const NUMBER_FIELDS = namesOfKind("integer", "decimal", "double", "time");

/**
 * Spans as columns for the trip to the worker. Structured-cloning span objects cost
 * 6-15 µs a span (serialise here, deserialise there; measured on 8000-span batches);
 * one string plus typed arrays clone in ~1.2 µs a span, the arrays moved, not copied.
 */
export interface SpanBatch {
  count: number;
  /** Every span's TEXTS_PER_SPAN strings, span after span, concatenated. */
  text: string;
  /** Length of each of those strings in text; -1 for null. */
  lengths: Int32Array;
  /** NUMBER_FIELDS column after column (index field × count + span); nulls flagged in `nulls`. */
  numbers: Float64Array;
  nulls: Uint8Array;
  /** attr_bloom per span. */
  blooms: BigInt64Array;
  /** span_attrs hashes of all spans, in span order; hashCounts[i] of them belong to span i. */
  hashes: Int32Array;
  hashCounts: Int32Array;
  /** spans.id_hash of each span as int64 words (span-ids.ts idHashes); set in the worker. */
  idHashes?: Int32Array;
}

// One writer per batch.
class Encoder {
  text = "";
  private at = 0;
  readonly lengths: Int32Array;
  readonly numbers: Float64Array;
  readonly nulls: Uint8Array;

  constructor(private readonly n: number) {
    this.lengths = new Int32Array(n * TEXTS_PER_SPAN);
    this.numbers = new Float64Array(n * NUMBER_FIELDS.length);
    this.nulls = new Uint8Array(n * NUMBER_FIELDS.length);
  }

  str(v: string | null): void {
    if (v === null) this.lengths[this.at++] = -1;
    else {
      this.text += v;
      this.lengths[this.at++] = v.length;
    }
  }

  num(field: number, i: number, v: number | null): void {
    const k = field * this.n + i;
    if (v === null) this.nulls[k] = 1;
    else this.numbers[k] = v;
  }

  // The fields by name from the schema's lists: 0.17 µs a span more than spelling each one
  // out (0.51 against 0.34 µs, 8000-span batches), next to ~40 µs of server CPU a span.
  span(s: Span, i: number): void {
    for (const f of TEXT_FIELDS) this.str(s[f]);
    this.str(JSON.stringify(s.attributes));
    for (let f = 0; f < NUMBER_FIELDS.length; f++) this.num(f, i, s[NUMBER_FIELDS[f]]);
  }
}

/** Builds the columns of a batch of spans; `transfer` lists the buffers postMessage may move. */
export function encodeSpans(spans: readonly Span[]): { batch: SpanBatch; transfer: ArrayBuffer[] } {
  const n = spans.length;
  const e = new Encoder(n);
  const blooms = new BigInt64Array(n);
  const hashCounts = new Int32Array(n);
  const allHashes: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    e.span(s, i);
    const { hashes, bloom } = attrIndex(s.attributes);
    blooms[i] = bloom;
    hashCounts[i] = hashes.length;
    for (const h of hashes) allHashes.push(h);
  }
  const hashes = Int32Array.from(allHashes);
  const { text, lengths, numbers, nulls } = e;
  const batch = { count: n, text, lengths, numbers, nulls, blooms, hashes, hashCounts };
  const transfer = [lengths, numbers, nulls, blooms, hashes, hashCounts].map((a) => a.buffer as ArrayBuffer);
  return { batch, transfer };
}

/** Messages from the store (main thread) to its DuckDB worker. */
export type WorkerRequest =
  /** Spans, and content rows appended in the same transaction. */
  | { id: number; op: "insert"; batch: SpanBatch; content?: ContentColumns }
  | { id: number; op: "all"; sql: string; params: unknown[] }
  /** Write statements run in one transaction; the result is each one's changed-row count. */
  | { id: number; op: "run"; statements: { sql: string; params: unknown[] }[] }
  /** Like run, for tables apart from spans and rollups (scores.ts): the rollup state stays as it is. */
  | { id: number; op: "runApart"; statements: { sql: string; params: unknown[] }[] }
  /** Scores (ids unique) replacing those of their ids, in one transaction (scores-write.ts). */
  | { id: number; op: "upsertScores"; scores: Score[] }
  /** Prometheus series totals kept at ingest (rollup-maintain.ts SeriesTotals). */
  | { id: number; op: "series" }
  /** The time up to which rollup buckets have their bins (rollup-maintain.ts settleSql). */
  | { id: number; op: "binsThrough" }
  /** Builds the bins of every hour (and day) that ends by `through` (an hour boundary) from the spans. */
  | { id: number; op: "settle"; through: number }
  /** Spans folded into "(other)" per declared dimension, counted at ingest. */
  | { id: number; op: "folded" }
  | { id: number; op: "close" }
  /** Interrupt running queries, refuse new ones, reply once nothing runs: the process is about to exit. */
  | { id: number; op: "halt" }
  /** Content rows appended to the content log and its index in one transaction (content.ts). */
  | { id: number; op: "appendContent"; columns: ContentColumns }
  /** Reads and retention of the content log (content-read.ts). */
  | { id: number; op: "content"; call: ContentCall };

/** Replies, matched to requests by id. id 0 is the worker's start-up report. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string; code?: string };

export interface WorkerInit {
  path: string;
  /** Declared attribute dimensions rolled up with the spans (metrics.dimensions). */
  dimensions: Dimensions;
}
