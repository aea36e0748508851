import { contentUtf8 } from "../../content/json.js";
import type { SpanContent } from "../../content/types.js";

/**
 * Content lives in the content log (content-log.ts): segment files beside the DuckDB file,
 * one per UTC hour of the spans' start. DuckDB keeps this index of it, so span scans
 * (metrics, search) never read content, checkpoints never compress it, and its retention
 * deletes whole segments. Rows are appended, never updated: a span sent again (a retried
 * request) adds a row, and readers keep the newest per span (highest rowid).
 */
export const CONTENT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS content_index (
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  started_at BIGINT NOT NULL,
  segment BIGINT NOT NULL, -- the segment's hour (epoch ms)
  pos BIGINT NOT NULL,     -- the record's byte offset in it
  len INTEGER NOT NULL,    -- and its length
  redactions INTEGER NOT NULL,
  truncated_bytes BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS content_index_trace_id ON content_index (trace_id);
`;

/**
 * Content rows as columns for the trip to the worker. The texts travel as UTF-8 in one
 * buffer that is moved, not copied, and go into DuckDB's vectors as bytes: structured-cloning
 * ~4 KB of strings a span and converting them again in the worker cost ~20 µs a span.
 */
export interface ContentColumns {
  count: number;
  /** trace_id, span_id, input, output, system, tools of each row, row after row, in UTF-8. */
  bytes: Uint8Array;
  /** Byte length of each of those texts; -1 for null. */
  lengths: Int32Array;
  started_at: Float64Array;
  redactions: Int32Array;
  truncated_bytes: Float64Array;
}

export const CONTENT_TEXTS = 6;

const utf8 = new TextEncoder();

/** Builds the columns of content rows; `transfer` lists the buffers postMessage may move. */
export function encodeContent(rows: readonly SpanContent[]): { columns: ContentColumns; transfer: ArrayBuffer[] } {
  const n = rows.length;
  const texts = rows.map(contentUtf8);
  const lengths = new Int32Array(n * CONTENT_TEXTS);
  const started_at = new Float64Array(n);
  const redactions = new Int32Array(n);
  const truncated_bytes = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const k = i * CONTENT_TEXTS;
    lengths[k] = Buffer.byteLength(r.trace_id, "utf8");
    lengths[k + 1] = Buffer.byteLength(r.span_id, "utf8");
    for (let c = 0; c < 4; c++) lengths[k + 2 + c] = texts[i].lengths[c];
    total += lengths[k] + lengths[k + 1] + texts[i].bytes.length;
    started_at[i] = r.started_at;
    redactions[i] = r.redactions;
    truncated_bytes[i] = r.truncated_bytes;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += utf8.encodeInto(rows[i].trace_id, bytes.subarray(at)).written;
    at += utf8.encodeInto(rows[i].span_id, bytes.subarray(at)).written;
    bytes.set(texts[i].bytes, at);
    at += texts[i].bytes.length;
  }
  const columns = { count: n, bytes, lengths, started_at, redactions, truncated_bytes };
  const transfer = [bytes, lengths, started_at, redactions, truncated_bytes].map((a) => a.buffer as ArrayBuffer);
  return { columns, transfer };
}
