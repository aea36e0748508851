// Runs inside the store worker: appends content rows with DuckDB's appender, in one transaction.
import { BIGINT, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, INTEGER, VARCHAR } from "@duckdb/node-api";
import { CONTENT_TEXTS, type ContentColumns } from "./content-schema.js";

const CHUNK_ROWS = 2048;
// Table order: trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes.
const TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR, VARCHAR, INTEGER, BIGINT];
// Where each table column's text sits among a row's CONTENT_TEXTS strings (-1: not text).
const TEXT_AT = [0, 1, -1, 2, 3, 4, 5, -1, -1];

/** Appends the rows in one transaction: all are committed or none. */
export async function appendContent(conn: DuckDBConnection, c: ContentColumns): Promise<number> {
  await conn.run("BEGIN TRANSACTION");
  try {
    const a = await conn.createAppender("span_content");
    try {
      for (let from = 0; from < c.count; from += CHUNK_ROWS) {
        const rows = Math.min(CHUNK_ROWS, c.count - from);
        const chunk = DuckDBDataChunk.create(TYPES, rows);
        for (let col = 0; col < TYPES.length; col++) {
          const v = chunk.getColumnVector(col);
          const t = TEXT_AT[col];
          for (let r = 0; r < rows; r++) {
            const i = from + r;
            if (t >= 0) v.setItem(r, c.text[i * CONTENT_TEXTS + t]);
            else if (col === 2) v.setItem(r, BigInt(c.started_at[i]));
            else if (col === 7) v.setItem(r, c.redactions[i]);
            else v.setItem(r, BigInt(c.truncated_bytes[i]));
          }
          v.flush();
        }
        a.appendDataChunk(chunk);
      }
      a.flushSync();
    } finally {
      try {
        a.closeSync();
      } catch {
        // the transaction is rolled back below
      }
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
  return c.count;
}
