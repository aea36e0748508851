import type { Score } from "../score/types.js";
import type { SpanStatus } from "../span/types.js";

/** A session's place in the list order: latest activity first, then session_id descending. */
export interface SessionKey {
  lastSeen: number;
  sessionId: string;
}

/**
 * GET /sessions: sessions whose latest span started after `since` (epoch ms), in the list
 * order, continuing strictly after `after`; with `userId`, only sessions whose user is that one.
 */
export interface SessionQuery {
  since: number;
  userId?: string;
  after?: SessionKey;
  limit: number;
}

/**
 * One session, summed over every stored span that carries its session_id (not only the
 * window's). Calls are LLM spans (a model is set), the spans /metrics counts.
 */
export interface SessionSummary {
  session_id: string;
  /** The user_id of its latest span that has one (started_at, trace_id, span_id); null when none has. */
  user_id: string | null;
  /** Earliest and latest started_at of its spans (epoch ms). */
  first_seen: number;
  last_seen: number;
  /** Traces with at least one span in the session. */
  trace_count: number;
  /** LLM calls. */
  span_count: number;
  /** Exact decimal sum of the priced calls; null when none is priced. */
  cost_usd: number | null;
  /** Calls with status error or timeout (the errors of /metrics). */
  error_count: number;
  /** Mean eval_score of the scored calls, 6 decimals; null when none is scored. */
  quality_avg: number | null;
}

/** A trace of a session, summarised as /traces does: its root span's name, latency and status. */
export interface SessionTrace {
  trace_id: string;
  name: string;
  /** The trace's earliest span start (epoch ms). */
  started_at: number;
  /** Exact sum over all the trace's spans; null when none is priced. */
  cost_usd: number | null;
  latency_ms: number;
  status: SpanStatus;
  /** The trace's scores, oldest first. */
  scores: Score[];
}

export interface SessionDetail extends SessionSummary {
  /** Oldest first (started_at, then trace_id): the conversation's order. */
  traces: SessionTrace[];
}

export type UserSort = "cost" | "spans" | "errors" | "last_seen";

/** GET /users: users of the spans that started in [from, to), `sort` descending, then user_id. */
export interface UserQuery {
  from: number;
  to: number;
  sort: UserSort;
  limit: number;
}

/** One user's figures over the window's spans carrying its user_id. */
export interface UserSummary {
  user_id: string;
  /** LLM calls. */
  span_count: number;
  /** Distinct session_ids among its spans. */
  session_count: number;
  cost_usd: number | null;
  total_tokens: number;
  /** Calls with status error or timeout. */
  error_count: number;
  quality_avg: number | null;
  /** Its latest span start in the window (epoch ms). */
  last_seen: number;
}

/**
 * Sessions and users, read from the spans at query time by every driver (memory, duckdb,
 * postgres) and checked by src/store/testing/conformance-sessions.ts.
 */
export interface SessionStore {
  /** One page in the list order; `hasMore` when another session follows it. */
  listSessions(q: SessionQuery): Promise<{ sessions: SessionSummary[]; hasMore: boolean }>;
  /** One session with its traces; null when no stored span carries that session_id. */
  getSession(sessionId: string): Promise<SessionDetail | null>;
  /** At most `limit` users, in `sort` order. */
  listUsers(q: UserQuery): Promise<UserSummary[]>;
}
