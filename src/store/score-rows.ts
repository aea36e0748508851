import type { Score, ScoreQuery, ScoreSource } from "../score/types.js";

/** Newest first: created_at, then score_id, descending (GET /scores). */
export function newestScoreFirst(a: Score, b: Score): number {
  return b.created_at - a.created_at || (a.score_id < b.score_id ? 1 : a.score_id > b.score_id ? -1 : 0);
}

/** Oldest first: created_at, then score_id (a trace's scores). */
export function oldestScoreFirst(a: Score, b: Score): number {
  return -newestScoreFirst(a, b);
}

/** The last score of each id in a batch, in batch order: a batch may carry one id twice, the last one wins. */
export function lastPerScore(scores: readonly Score[]): Score[] {
  const byId = new Map<string, Score>();
  for (const s of scores) {
    byId.delete(s.score_id);
    byId.set(s.score_id, s);
  }
  return [...byId.values()];
}

/** The columns of the scores table in every SQL driver, in this order. */
export const SCORE_COLUMNS =
  "score_id, trace_id, span_id, name, value_num, value_bool, label, comment, source, created_at";

/** A score as the values of SCORE_COLUMNS: a number and a boolean value have a column each. */
export function scoreValues(s: Score): unknown[] {
  const num = typeof s.value === "number" ? s.value : null;
  const bool = typeof s.value === "boolean" ? s.value : null;
  return [s.score_id, s.trace_id, s.span_id, s.name, num, bool, s.label, s.comment, s.source, s.created_at];
}

/** A row of SCORE_COLUMNS read back (numbers may come as strings or bigints from a driver). */
export function rowToScore(r: Record<string, unknown>): Score {
  const num = r.value_num === null ? null : Number(r.value_num);
  return {
    score_id: String(r.score_id),
    trace_id: String(r.trace_id),
    span_id: r.span_id === null ? null : String(r.span_id),
    name: String(r.name),
    value: num ?? (r.value_bool === null ? null : Boolean(r.value_bool)),
    label: r.label === null ? null : String(r.label),
    comment: r.comment === null ? null : String(r.comment),
    source: String(r.source) as ScoreSource,
    created_at: Number(r.created_at),
  };
}

/**
 * The SELECT of GET /scores for the SQL drivers ($1, $2 ... parameters), newest first;
 * `id` is how the driver orders score_id byte-wise (PostgreSQL adds a collation).
 */
export function listScoresSql(q: ScoreQuery, id = "score_id"): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.since, q.until];
  let where = "created_at >= $1 AND created_at <= $2";
  if (q.traceId !== undefined) {
    params.push(q.traceId);
    where += ` AND trace_id = $${params.length}`;
  }
  if (q.name !== undefined) {
    params.push(q.name);
    where += ` AND name = $${params.length}`;
  }
  if (q.sessionId !== undefined) {
    params.push(q.sessionId);
    where += ` AND trace_id IN (SELECT trace_id FROM spans WHERE session_id = $${params.length})`;
  }
  const sql = `SELECT ${SCORE_COLUMNS} FROM scores WHERE ${where}
    ORDER BY created_at DESC, ${id} DESC LIMIT ${Math.trunc(q.limit)}`;
  return { sql, params };
}
