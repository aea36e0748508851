/**
 * Content lives in a table of its own, so span scans (metrics, search) never read it and its
 * retention runs apart. One row per span; input/output/system/tools hold JSON text.
 * Rows are appended, never updated: a span sent again (a retried request) adds a row, and
 * readers keep the newest per span (highest rowid).
 */
export const CONTENT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS span_content (
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  started_at BIGINT NOT NULL,
  input VARCHAR,
  output VARCHAR,
  system VARCHAR,
  tools VARCHAR,
  redactions INTEGER NOT NULL,
  truncated_bytes BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS span_content_trace_id ON span_content (trace_id);
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
