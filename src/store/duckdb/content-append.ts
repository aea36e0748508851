// Runs inside the store worker: appends content rows with DuckDB's appender.

import { BIGINT, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, INTEGER, VARCHAR } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { closeQuietly } from "./append.js";
import { CONTENT_TEXTS, type ContentColumns } from "./content-schema.js";

const CHUNK_ROWS = 2048;
// Table order: trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes.
const TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, INTEGER, BIGINT];
// Where each table column's text sits among a row's CONTENT_TEXTS texts (-1: not text).
const TEXT_AT = [0, 1, -1, 2, 3, 4, 5, -1, -1];

// The UTF-8 bytes of one text column go into the chunk's vector as they are: the node-api
// VARCHAR vector takes JS strings only, and converting ~4 KB a span back and forth costs
// more than the rest of the append.
function fillText(
  chunk: DuckDBDataChunk,
  col: number,
  c: ContentColumns,
  from: number,
  rows: number,
  starts: Float64Array,
): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  // Validity bits, 64 rows a word (little-endian), all valid until a null clears one.
  let nulls: Uint8Array<ArrayBuffer> | null = null;
  for (let r = 0; r < rows; r++) {
    const k = (from + r) * CONTENT_TEXTS + TEXT_AT[col];
    const len = c.lengths[k];
    if (len >= 0) duckdb.vector_assign_string_element_len(vector, r, c.bytes.subarray(starts[k], starts[k] + len));
    else {
      nulls ??= new Uint8Array(new ArrayBuffer(Math.ceil(rows / 64) * 8)).fill(0xff);
      nulls[r >> 3] &= ~(1 << (r & 7));
    }
  }
  if (nulls !== null) {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, nulls.buffer, 0, nulls.byteLength);
  }
}

/** Appends the rows on `conn`, inside the caller's transaction. */
export async function appendContentRows(conn: DuckDBConnection, c: ContentColumns): Promise<void> {
  const starts = new Float64Array(c.lengths.length);
  let at = 0;
  for (let k = 0; k < c.lengths.length; k++) {
    starts[k] = at;
    if (c.lengths[k] > 0) at += c.lengths[k];
  }
  const a = await conn.createAppender("span_content");
  try {
    for (let from = 0; from < c.count; from += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, c.count - from);
      const chunk = DuckDBDataChunk.create(TYPES, rows);
      for (let col = 0; col < TYPES.length; col++) {
        if (TEXT_AT[col] >= 0) {
          fillText(chunk, col, c, from, rows, starts);
          continue;
        }
        const v = chunk.getColumnVector(col);
        for (let r = 0; r < rows; r++) {
          const i = from + r;
          if (col === 2) v.setItem(r, BigInt(c.started_at[i]));
          else if (col === 7) v.setItem(r, c.redactions[i]);
          else v.setItem(r, BigInt(c.truncated_bytes[i]));
        }
        v.flush();
      }
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    closeQuietly(a);
  }
}

/** Appends the rows in a transaction of their own: all are committed or none. */
export async function appendContent(conn: DuckDBConnection, c: ContentColumns): Promise<number> {
  await conn.run("BEGIN TRANSACTION");
  try {
    await appendContentRows(conn, c);
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
  return c.count;
}
