// Runs inside the store worker: the ids of the spans already stored, read from the file.
import { BIGINT, type DuckDBConnection, DuckDBDataChunk } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { closeQuietly } from "./append.js";
import { copyColumn, int64Column } from "./columns.js";
import { FETCH_CHUNK, idList } from "./search.js";
import { keyHash, SpanIdFilter } from "./span-ids.js";

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
type Run = (statements: { sql: string; params: unknown[] }[]) => Promise<number[]>;

// The `trace_id \0 span_id` of the stored spans of these traces (the check of a possible hit).
export async function storedIds(readAll: Query, traceIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < traceIds.length; i += FETCH_CHUNK) {
    const { list, params } = idList(traceIds.slice(i, i + FETCH_CHUNK));
    for (const r of await readAll(
      `SELECT trace_id || chr(0) || span_id AS k FROM spans WHERE trace_id IN (${list})`,
      params,
    )) {
      out.add(String(r.k));
    }
  }
  return out;
}

// Every stored span's id into the filter: one scan of spans.id_hash at start, read as raw
// int64 words. Rows from before that column get it computed from their ids first (once).
export async function loadIds(writer: DuckDBConnection, readAll: Query, runAll: Run): Promise<SpanIdFilter> {
  await fillIdHashes(writer, readAll, runAll);
  const [c] = await readAll("SELECT count(*) AS n FROM spans", []);
  const ids = new SpanIdFilter(Number(c.n));
  const result = await writer.stream("SELECT id_hash FROM spans");
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, 0), chunk.rowCount * 8);
    ids.addHashes(new Int32Array(bytes.buffer, bytes.byteOffset, chunk.rowCount * 2), chunk.rowCount);
  }
  return ids;
}

// id_hash of rows written before the column existed: their ids read once, hashed here, and
// written back through a temp table in one transaction.
async function fillIdHashes(writer: DuckDBConnection, readAll: Query, runAll: Run): Promise<void> {
  const [c] = await readAll("SELECT count(*) AS n FROM spans WHERE id_hash IS NULL", []);
  if (c.n === 0) return;
  await writer.run("CREATE OR REPLACE TEMP TABLE id_fill (r BIGINT, h BIGINT)");
  const a = await writer.createAppender("id_fill", "main", "temp");
  try {
    const rows = await writer.stream("SELECT rowid, trace_id || chr(0) || span_id FROM spans WHERE id_hash IS NULL");
    for (let chunk = await rows.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await rows.fetchChunk()) {
      const n = chunk.rowCount;
      const r = chunk.getColumnVector(0);
      const k = chunk.getColumnVector(1);
      const words = new Int32Array(n * 2);
      for (let i = 0; i < n; i++) words.set(keyHash(k.getItem(i) as string), 2 * i);
      const out = DuckDBDataChunk.create([BIGINT, BIGINT], n);
      const rowids = new Float64Array(n);
      for (let i = 0; i < n; i++) rowids[i] = Number(r.getItem(i));
      int64Column(out, 0, rowids);
      copyColumn(out, 1, words);
      a.appendDataChunk(out);
    }
    a.flushSync();
  } finally {
    closeQuietly(a);
  }
  await runAll([
    { sql: "UPDATE spans SET id_hash = id_fill.h FROM id_fill WHERE spans.rowid = id_fill.r", params: [] },
    { sql: "DROP TABLE id_fill", params: [] },
  ]);
}
