// Worker side of the DuckDB scores table (scores.ts): the write of a group of scores.
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";
import type { Score } from "../../score/types.js";
import { closeQuietly } from "./append.js";

function text(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

/**
 * Replaces or adds the scores (ids unique within the batch) in one transaction: the old rows
 * of their ids are deleted, the new ones appended. Resolves with the ids that were replaced. Statements with parameters cost DuckDB
 * ~0.1 ms a parameter to plan (a VALUES list of 64 scores took ~10 ms of CPU); the appender
 * and one DELETE with literal ids take a fraction of that.
 */
export async function writeScores(conn: DuckDBConnection, scores: readonly Score[]): Promise<string[]> {
  let replaced: string[];
  await conn.run("BEGIN TRANSACTION");
  try {
    // Ids are 1-128 of A-Z a-z 0-9 _ . : - (POST /scores, the SDK); quoted anyway.
    const ids = scores.map((s) => `'${s.score_id.replaceAll("'", "''")}'`).join(", ");
    const gone = await conn.runAndReadAll(`DELETE FROM scores WHERE score_id IN (${ids}) RETURNING score_id`);
    replaced = gone.getRows().map((r) => String(r[0]));
    const a = await conn.createAppender("scores");
    try {
      for (const s of scores) {
        a.appendVarchar(s.score_id);
        a.appendVarchar(s.trace_id);
        text(a, s.span_id);
        a.appendVarchar(s.name);
        if (typeof s.value === "number") a.appendDouble(s.value);
        else a.appendNull();
        if (typeof s.value === "boolean") a.appendBoolean(s.value);
        else a.appendNull();
        text(a, s.label);
        text(a, s.comment);
        a.appendVarchar(s.source);
        a.appendBigInt(BigInt(s.created_at));
        a.endRow();
      }
      a.flushSync();
    } finally {
      closeQuietly(a);
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
  return replaced;
}
