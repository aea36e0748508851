import { SessionReader } from "../sessions-read.js";
import { sqlSessionSource } from "../sessions-sql.js";

type Run = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The PostgreSQL store's sessions and users, read from the spans at query time: a session's
 * spans through the partial index on (session_id, started_at), a user's through the one on
 * (user_id, started_at) (migration 5). Ids are compared byte-wise like the other drivers.
 */
export function postgresSessions(run: Run): SessionReader {
  return new SessionReader(
    sqlSessionSource({
      run,
      inList: (column, ids, add) => `${column} = ANY(${add(ids)}::text[])`,
      bytes: (column) => `${column} COLLATE "C"`,
    }),
  );
}
