import type { Score } from "../score/types.js";
import type { Span } from "../span/types.js";
import { rowToScore, SCORE_COLUMNS } from "./score-rows.js";
import type { SessionKey, UserQuery, UserSort, UserSummary } from "./sessions.js";
import { qualityOf, type SessionSource } from "./sessions-read.js";
import { num, rowToSpan, spanSelect } from "./sql-rows.js";

type Row = Record<string, unknown>;

/** How one SQL driver reads: its query runner and the two places the dialects differ. */
export interface SessionSql {
  run(sql: string, params: unknown[]): Promise<Row[]>;
  /** `column` in a list of ids, binding them through `add` (DuckDB: IN, PostgreSQL: = ANY). */
  inList(column: string, ids: string[], add: (v: unknown) => string): string;
  /** `column` ordered and compared byte-wise (PostgreSQL needs COLLATE "C"). */
  bytes(column: string): string;
}

// The summaries need no attributes: skip reading and parsing them.
const SPANS = spanSelect("'{}' AS attributes");
/** Ids per IN list: DuckDB stops using its trace_id index for long lists. */
const CHUNK = 32;

function binder(): { values: unknown[]; add: (v: unknown) => string } {
  const values: unknown[] = [];
  return {
    values,
    add: (v) => {
      values.push(v);
      return `$${values.length}`;
    },
  };
}

const CALL = "model IS NOT NULL";
const SORT_SQL: Record<UserSort, string> = {
  cost: `sum(cost_usd) FILTER (WHERE ${CALL})`,
  spans: "span_count",
  errors: "error_count",
  last_seen: "last_seen",
};

/** The SessionSource of the SQL drivers (duckdb, postgres): one SELECT per question. */
export function sqlSessionSource(db: SessionSql): SessionSource {
  // Rows of `column` IN ids, read in chunks at once.
  const byIds = async (column: string, ids: string[], select: (where: string) => string): Promise<Row[]> => {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
    const rows = await Promise.all(
      chunks.map((c) => {
        const p = binder();
        return db.run(select(db.inList(column, c, p.add)), p.values);
      }),
    );
    return rows.flat();
  };
  const sid = db.bytes("session_id");
  return {
    async sessionKeys(q): Promise<SessionKey[]> {
      const p = binder();
      const where = ["session_id IS NOT NULL", `started_at > ${p.add(q.since)}`];
      if (q.userId !== undefined) {
        where.push(`session_id IN (SELECT session_id FROM spans WHERE user_id = ${p.add(q.userId)})`);
      }
      let having = "";
      if (q.after !== undefined) {
        const l = p.add(q.after.lastSeen);
        having = `HAVING max(started_at) < ${l} OR (max(started_at) = ${l} AND ${sid} < ${p.add(q.after.sessionId)})`;
      }
      const rows = await db.run(
        `SELECT session_id, max(started_at) AS last_seen FROM spans WHERE ${where.join(" AND ")}
         GROUP BY session_id ${having} ORDER BY last_seen DESC, ${sid} DESC LIMIT ${Math.trunc(q.limit)}`,
        p.values,
      );
      return rows.map((r) => ({ sessionId: String(r.session_id), lastSeen: num(r.last_seen) }));
    },
    async sessionSpans(ids): Promise<Span[]> {
      const rows = await byIds("session_id", ids, (w) => `SELECT ${SPANS} FROM spans WHERE ${w}`);
      return rows.map(rowToSpan);
    },
    async traceSpans(ids): Promise<Span[]> {
      const rows = await byIds("trace_id", ids, (w) => `SELECT ${SPANS} FROM spans WHERE ${w}`);
      return rows.map(rowToSpan);
    },
    async traceScores(ids): Promise<Score[]> {
      const rows = await byIds("trace_id", ids, (w) => `SELECT ${SCORE_COLUMNS} FROM scores WHERE ${w}`);
      return rows.map(rowToScore);
    },
    async listUsers(q: UserQuery): Promise<UserSummary[]> {
      const p = binder();
      const range = (add: (v: unknown) => string) => `started_at >= ${add(q.from)} AND started_at < ${add(q.to)}`;
      // Distinct sessions are counted for the page's users only: counting them for every user
      // in the window doubles the query (a set per user), and no sort uses them.
      const rows = await db.run(
        `SELECT user_id,
           count(*) FILTER (WHERE ${CALL}) AS span_count,
           CAST(sum(cost_usd) FILTER (WHERE ${CALL}) AS TEXT) AS cost_usd,
           CAST(coalesce(sum(total_tokens), 0) AS BIGINT) AS total_tokens,
           count(*) FILTER (WHERE ${CALL} AND status <> 'ok') AS error_count,
           CAST(sum(eval_score) FILTER (WHERE ${CALL}) AS DOUBLE PRECISION) AS score_sum,
           count(eval_score) FILTER (WHERE ${CALL}) AS scored,
           max(started_at) AS last_seen
         FROM spans WHERE user_id IS NOT NULL AND ${range(p.add)}
         GROUP BY user_id
         ORDER BY ${SORT_SQL[q.sort]} DESC NULLS LAST, ${db.bytes("user_id")}
         LIMIT ${Math.trunc(q.limit)}`,
        p.values,
      );
      const ids = rows.map((r) => String(r.user_id));
      const sessions = new Map<string, number>();
      if (ids.length > 0) {
        const s = binder();
        const counted = await db.run(
          `SELECT user_id, count(DISTINCT session_id) AS n FROM spans
           WHERE ${db.inList("user_id", ids, s.add)} AND ${range(s.add)} GROUP BY user_id`,
          s.values,
        );
        for (const r of counted) sessions.set(String(r.user_id), num(r.n));
      }
      return rows.map((r) => ({
        user_id: String(r.user_id),
        span_count: num(r.span_count),
        session_count: sessions.get(String(r.user_id)) ?? 0,
        cost_usd: r.cost_usd === null ? null : Number(r.cost_usd),
        total_tokens: num(r.total_tokens),
        error_count: num(r.error_count),
        quality_avg: qualityOf(num(r.score_sum), num(r.scored)),
        last_seen: num(r.last_seen),
      }));
    },
  };
}
