import { SessionReader } from "../sessions-read.js";
import { sqlSessionSource } from "../sessions-sql.js";
import { literal, PLAIN_ID } from "./search.js";

type Read = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The DuckDB store's sessions and users, read from the spans table at query time. Ids of
 * the usual shapes are inlined as literals (as getTrace does): a prepared statement costs a
 * round of its own, and literals let the trace_id index answer.
 */
export function duckdbSessions(read: Read): SessionReader {
  return new SessionReader(
    sqlSessionSource({
      run: read,
      inList: (column, ids, add) =>
        `${column} IN (${(ids.every((id) => PLAIN_ID.test(id)) ? ids.map(literal) : ids.map(add)).join(", ")})`,
      bytes: (column) => column,
    }),
  );
}
