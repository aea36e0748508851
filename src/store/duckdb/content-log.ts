// Runs inside the store worker: the content log. Content is appended as the UTF-8 JSON it
// arrived as, one record per span, to a segment per UTC hour of the span's start; DuckDB
// keeps only a small index (content_index) pointing at each record. Checkpoints then never
// compress or rewrite ~4 KB of text a span (that was half of the server's CPU at ingest),
// and retention deletes whole files.
import { bucketOf, HOUR_MS } from "../rollup/plan.js";
import { CONTENT_TEXTS, type ContentColumns } from "./content-schema.js";
import type { Segments } from "./content-segments.js";

/**
 * A record: the byte lengths of input, output, system and tools (int32 LE, -1 for null),
 * started_at (float64 LE), the byte lengths of trace_id and span_id (uint16 LE), then
 * trace_id, span_id and the texts. A segment is records end to end, so a search reads it
 * straight through without the index.
 */
export const RECORD_HEADER = 28;
/** Where the texts of a row start among CONTENT_TEXTS (after trace_id and span_id). */
const FIRST_TEXT = 2;

/** Where each row of a write went: segment hour, byte offset and record length. */
export interface Positions {
  segment: Float64Array;
  offset: Float64Array;
  length: Int32Array;
}

/** The four JSON texts of one record (null for an absent field). */
export type RecordTexts = [string | null, string | null, string | null, string | null];

/** Start of each text of the columns in their bytes. */
export function textStarts(lengths: Int32Array): Float64Array {
  const starts = new Float64Array(lengths.length);
  let at = 0;
  for (let k = 0; k < lengths.length; k++) {
    starts[k] = at;
    if (lengths[k] > 0) at += lengths[k];
  }
  return starts;
}

/** One record read back. */
export interface LogRecord {
  trace_id: string;
  span_id: string;
  started_at: number;
  texts: RecordTexts;
}

/** Bytes of the record starting at `at` (its header must be in `b`). */
export function recordLength(b: Buffer, at: number): number {
  let n = RECORD_HEADER + b.readUInt16LE(at + 24) + b.readUInt16LE(at + 26);
  for (let i = 0; i < 4; i++) n += Math.max(0, b.readInt32LE(at + 4 * i));
  return n;
}

/** Where the texts of the record at `at` start. */
export const textsAt = (b: Buffer, at: number) =>
  at + RECORD_HEADER + b.readUInt16LE(at + 24) + b.readUInt16LE(at + 26);

export function decodeRecord(b: Buffer, at = 0): LogRecord {
  const traceEnd = at + RECORD_HEADER + b.readUInt16LE(at + 24);
  const texts: RecordTexts = [null, null, null, null];
  let p = textsAt(b, at);
  for (let i = 0; i < 4; i++) {
    const n = b.readInt32LE(at + 4 * i);
    if (n < 0) continue;
    texts[i] = b.toString("utf8", p, p + n);
    p += n;
  }
  return {
    trace_id: b.toString("utf8", at + RECORD_HEADER, traceEnd),
    span_id: b.toString("utf8", traceEnd, traceEnd + b.readUInt16LE(at + 26)),
    started_at: b.readDoubleLE(at + 16),
    texts,
  };
}

export class ContentLog {
  constructor(readonly segments: Segments) {}

  /**
   * Cuts what no index row points at off the end of each segment, and removes segments none
   * points into: the tail of a write whose transaction never committed (a crash between the
   * log's sync and DuckDB's commit). `ends` is, per segment, the end of its last indexed record.
   */
  recover(ends: Map<number, number>): void {
    for (const h of this.segments.hours()) {
      const end = ends.get(h) ?? 0;
      if (end === 0) this.segments.remove(h);
      else this.segments.truncate(h, end);
    }
  }

  /**
   * Appends the rows' records and syncs them, so the transaction that indexes them commits
   * only what is already durable. `undo` cuts them off again when that transaction fails.
   */
  write(c: ContentColumns): { positions: Positions; undo: () => void } {
    const starts = textStarts(c.lengths);
    const byHour = new Map<number, number[]>();
    for (let i = 0; i < c.count; i++) {
      const h = bucketOf(c.started_at[i], HOUR_MS);
      const rows = byHour.get(h);
      if (rows === undefined) byHour.set(h, [i]);
      else rows.push(i);
    }
    const positions: Positions = {
      segment: new Float64Array(c.count),
      offset: new Float64Array(c.count),
      length: new Int32Array(c.count),
    };
    const before = new Map<number, number>();
    const undo = () => {
      for (const [h, size] of before) this.segments.truncate(h, size);
    };
    try {
      for (const [h, rows] of byHour) {
        const size = this.segments.size(h);
        before.set(h, size);
        let total = 0;
        for (const i of rows) {
          positions.segment[i] = h;
          positions.offset[i] = size + total;
          positions.length[i] = RECORD_HEADER + this.bodyBytes(c, i);
          total += positions.length[i];
        }
        const out = Buffer.allocUnsafe(total);
        let at = 0;
        for (const i of rows) {
          const k = i * CONTENT_TEXTS;
          for (let t = 0; t < 4; t++) out.writeInt32LE(c.lengths[k + FIRST_TEXT + t], at + 4 * t);
          out.writeDoubleLE(c.started_at[i], at + 16);
          out.writeUInt16LE(c.lengths[k], at + 24);
          out.writeUInt16LE(c.lengths[k + 1], at + 26);
          // trace_id, span_id and the texts lie end to end in the columns' bytes
          const body = positions.length[i] - RECORD_HEADER;
          out.set(c.bytes.subarray(starts[k], starts[k] + body), at + RECORD_HEADER);
          at += positions.length[i];
        }
        this.segments.append(h, out);
      }
      this.segments.sync(byHour.keys());
    } catch (e) {
      undo();
      throw e;
    }
    return { positions, undo };
  }

  // The ids' and texts' bytes of row i.
  private bodyBytes(c: ContentColumns, i: number): number {
    let n = 0;
    for (let t = 0; t < CONTENT_TEXTS; t++) n += Math.max(0, c.lengths[i * CONTENT_TEXTS + t]);
    return n;
  }

  /** One record; null when its bytes are gone (a segment deleted meanwhile). */
  read(segment: number, offset: number, length: number): LogRecord | null {
    const b = this.segments.read(segment, offset, length);
    return b === null ? null : decodeRecord(b);
  }

  /** Removes the segments whose whole hour is before `before`; their index rows must be gone already. */
  removeBefore(before: number): void {
    for (const h of this.segments.hours()) if (h + HOUR_MS <= before) this.segments.remove(h);
  }
}
