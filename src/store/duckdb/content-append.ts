// Runs inside the store worker: the content log's records, then their index rows appended
// with DuckDB's appender inside the caller's transaction.

import { BIGINT, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, INTEGER, VARCHAR } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { rowToContent } from "../content-rows.js";
import { closeQuietly } from "./append.js";
import { type ContentLog, type Positions, textStarts } from "./content-log.js";
import { CONTENT_TEXTS, type ContentColumns, encodeContent } from "./content-schema.js";

const CHUNK_ROWS = 2048;
// Table order: trace_id, span_id, started_at, segment, pos, len, redactions, truncated_bytes.
const TYPES: DuckDBType[] = [VARCHAR, VARCHAR, BIGINT, BIGINT, BIGINT, INTEGER, INTEGER, BIGINT];

// The UTF-8 bytes of an id go into the chunk's vector as they are: the node-api VARCHAR
// vector takes JS strings only. Ids are never null.
function fillId(
  chunk: DuckDBDataChunk,
  col: number,
  c: ContentColumns,
  from: number,
  rows: number,
  starts: Float64Array,
) {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, col);
  for (let r = 0; r < rows; r++) {
    const k = (from + r) * CONTENT_TEXTS + col;
    duckdb.vector_assign_string_element_len(vector, r, c.bytes.subarray(starts[k], starts[k] + c.lengths[k]));
  }
}

function numberAt(col: number, c: ContentColumns, p: Positions, i: number): number | bigint {
  switch (col) {
    case 2:
      return BigInt(c.started_at[i]);
    case 3:
      return BigInt(p.segment[i]);
    case 4:
      return BigInt(p.offset[i]);
    case 5:
      return p.length[i];
    case 6:
      return c.redactions[i];
    default:
      return BigInt(c.truncated_bytes[i]);
  }
}

/** Appends the index rows of records already in the log, inside the caller's transaction. */
export async function appendIndexRows(conn: DuckDBConnection, c: ContentColumns, p: Positions): Promise<void> {
  const starts = textStarts(c.lengths);
  const a = await conn.createAppender("content_index");
  try {
    for (let from = 0; from < c.count; from += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, c.count - from);
      const chunk = DuckDBDataChunk.create(TYPES, rows);
      fillId(chunk, 0, c, from, rows, starts);
      fillId(chunk, 1, c, from, rows, starts);
      for (let col = 2; col < TYPES.length; col++) {
        const v = chunk.getColumnVector(col);
        for (let r = 0; r < rows; r++) v.setItem(r, numberAt(col, c, p, from + r));
        v.flush();
      }
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    closeQuietly(a);
  }
}

/**
 * Writes the records to the log (synced), then runs `commit` with a function that appends
 * their index rows: the index commits only records already durable, and a failed commit
 * cuts the records off the log again.
 */
export async function logContent<T>(
  log: ContentLog,
  c: ContentColumns | undefined,
  commit: (index: (conn: DuckDBConnection) => Promise<void>) => Promise<T>,
): Promise<T> {
  if (c === undefined || c.count === 0) return commit(async () => {});
  const { positions, undo } = log.write(c);
  try {
    return await commit((conn) => appendIndexRows(conn, c, positions));
  } catch (e) {
    undo();
    throw e;
  }
}

/** Content without spans: the records, then their index rows in a transaction of their own. */
export function appendContent(conn: DuckDBConnection, log: ContentLog, c: ContentColumns): Promise<number> {
  return logContent(log, c, async (index) => {
    await conn.run("BEGIN TRANSACTION");
    try {
      await index(conn);
      await conn.run("COMMIT");
    } catch (e) {
      await conn.run("ROLLBACK").catch(() => {});
      throw e;
    }
    return c.count;
  });
}

/**
 * Moves the rows of the span_content table (content stored in DuckDB itself, before the
 * content log) into the log, and drops the table: one transaction, so an interrupted move
 * is done again from the start at the next open.
 */
export async function migrateContentTable(
  conn: DuckDBConnection,
  log: ContentLog,
  readAll: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  const [t] = await readAll("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'span_content'", []);
  if (t.n === 0) return;
  const PAGE = 10_000;
  await conn.run("BEGIN TRANSACTION");
  const undo: (() => void)[] = [];
  try {
    for (let offset = 0; ; offset += PAGE) {
      const page = await readAll(
        `SELECT trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes
         FROM span_content ORDER BY rowid LIMIT ${PAGE} OFFSET ${offset}`,
        [],
      );
      if (page.length === 0) break;
      const { columns } = encodeContent(page.map(rowToContent));
      const w = log.write(columns);
      undo.push(w.undo);
      await appendIndexRows(conn, columns, w.positions);
    }
    await conn.run("DROP TABLE span_content");
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    for (const u of undo.reverse()) u();
    throw e;
  }
}
