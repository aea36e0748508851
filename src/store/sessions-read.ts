import type { Score } from "../score/types.js";
import { rootOf } from "../span/root.js";
import type { Span } from "../span/types.js";
import { fromPico, roundTo, toPico } from "../stats/cost.js";
import { oldestScoreFirst } from "./score-rows.js";
import type {
  SessionDetail,
  SessionKey,
  SessionQuery,
  SessionStore,
  SessionSummary,
  SessionTrace,
  UserQuery,
  UserSummary,
} from "./sessions.js";

/**
 * What a driver answers so SessionReader can serve sessions: a few plain queries. The
 * figures are summed here, in one place, so every driver reports the same ones.
 */
export interface SessionSource {
  /**
   * (session_id, latest started_at) of the sessions with a span started after `since`, in the
   * list order, strictly after `after`, at most `limit`; with `userId`, only sessions with a
   * span of that user (at any time).
   */
  sessionKeys(q: { since: number; userId?: string; after?: SessionKey; limit: number }): Promise<SessionKey[]>;
  /** Every stored span carrying one of these session ids (any order). */
  sessionSpans(ids: string[]): Promise<Span[]>;
  /** Every stored span of these traces (any order). */
  traceSpans(ids: string[]): Promise<Span[]>;
  /** The scores of these traces (any order). */
  traceScores(ids: string[]): Promise<Score[]>;
  listUsers(q: UserQuery): Promise<UserSummary[]>;
}

/**
 * Orders strings by code point, which is UTF-8 byte order: how DuckDB and PostgreSQL
 * (COLLATE "C") compare text. Plain `<` compares UTF-16 units and puts U+E000-U+FFFF after
 * astral characters.
 */
export function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fix(x) - fix(y);
  }
  return a.length - b.length;
}

// Surrogates (astral characters) move above U+E000-U+FFFF, the rest keep their order.
const fix = (u: number) => (u >= 0xd800 && u <= 0xdfff ? u + 0x2000 : u >= 0xe000 ? u - 0x800 : u);

/** The list order: last_seen descending, then session_id descending. */
export function newestSessionFirst(a: SessionKey, b: SessionKey): number {
  return b.lastSeen - a.lastSeen || byCodePoint(b.sessionId, a.sessionId);
}

// A span's place in time: started_at, then trace_id, then span_id.
function later(a: Span, b: Span): boolean {
  if (a.started_at !== b.started_at) return a.started_at > b.started_at;
  return (byCodePoint(a.trace_id, b.trace_id) || byCodePoint(a.span_id, b.span_id)) > 0;
}

/** A mean eval_score as the API shows it (6 decimals, like the quality metric); null for none. */
export function qualityOf(sum: number, n: number): number | null {
  return n === 0 ? null : roundTo(sum / n, 6);
}

/** The summary of one session from its spans (non-empty, all carrying `id`). */
export function summarizeSession(id: string, spans: readonly Span[]): SessionSummary {
  let user: Span | null = null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const traces = new Set<string>();
  let calls = 0;
  let errors = 0;
  let pico = 0n;
  let priced = false;
  let scoreSum = 0;
  let scored = 0;
  for (const s of spans) {
    if (s.user_id !== null && (user === null || later(s, user))) user = s;
    first = Math.min(first, s.started_at);
    last = Math.max(last, s.started_at);
    traces.add(s.trace_id);
    if (s.model === null) continue;
    calls++;
    if (s.status !== "ok") errors++;
    if (s.cost_usd !== null) {
      pico += toPico(s.cost_usd);
      priced = true;
    }
    if (s.eval_score !== null) {
      scoreSum += s.eval_score;
      scored++;
    }
  }
  return {
    session_id: id,
    user_id: user?.user_id ?? null,
    first_seen: first,
    last_seen: last,
    trace_count: traces.size,
    span_count: calls,
    cost_usd: priced ? fromPico(pico) : null,
    error_count: errors,
    quality_avg: qualityOf(scoreSum, scored),
  };
}

/** One trace of a session as /traces summarises it: its root's name, latency and status. */
function sessionTrace(spans: readonly Span[], scores: Score[]): SessionTrace {
  const root = rootOf(spans);
  let start = Number.POSITIVE_INFINITY;
  let pico = 0n;
  let priced = false;
  for (const s of spans) {
    start = Math.min(start, s.started_at);
    if (s.cost_usd !== null) {
      pico += toPico(s.cost_usd);
      priced = true;
    }
  }
  return {
    trace_id: root.trace_id,
    name: root.name,
    started_at: start,
    cost_usd: priced ? fromPico(pico) : null,
    latency_ms: root.latency_ms,
    status: root.status,
    scores: [...scores].sort(oldestScoreFirst),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list === undefined) out.set(k, [t]);
    else list.push(t);
  }
  return out;
}

/** The SessionStore of every driver, over the driver's SessionSource. */
export class SessionReader implements SessionStore {
  constructor(private readonly source: SessionSource) {}

  /** Summaries of these sessions, in the order given (a session with no spans left is skipped). */
  private async summaries(keys: SessionKey[]): Promise<SessionSummary[]> {
    if (keys.length === 0) return [];
    const spans = groupBy(await this.source.sessionSpans(keys.map((k) => k.sessionId)), (s) => s.session_id ?? "");
    return keys.flatMap((k) => {
      const mine = spans.get(k.sessionId);
      return mine === undefined ? [] : [summarizeSession(k.sessionId, mine)];
    });
  }

  async listSessions(q: SessionQuery): Promise<{ sessions: SessionSummary[]; hasMore: boolean }> {
    const want = q.limit + 1;
    if (q.userId === undefined) {
      const found = await this.summaries(
        await this.source.sessionKeys({ since: q.since, after: q.after, limit: want }),
      );
      return { sessions: found.slice(0, q.limit), hasMore: found.length > q.limit };
    }
    // A session with a span of this user may belong to another (its latest user_id is
    // another one's): read candidates in the list order until the page is full.
    const found: SessionSummary[] = [];
    let after = q.after;
    for (;;) {
      const keys = await this.source.sessionKeys({ since: q.since, userId: q.userId, after, limit: want });
      for (const s of await this.summaries(keys)) if (s.user_id === q.userId) found.push(s);
      if (found.length >= want || keys.length < want) break;
      after = keys[keys.length - 1];
    }
    return { sessions: found.slice(0, q.limit), hasMore: found.length > q.limit };
  }

  async getSession(sessionId: string): Promise<SessionDetail | null> {
    const spans = await this.source.sessionSpans([sessionId]);
    if (spans.length === 0) return null;
    const summary = summarizeSession(sessionId, spans);
    const ids = [...new Set(spans.map((s) => s.trace_id))];
    const [whole, scores] = await Promise.all([this.source.traceSpans(ids), this.source.traceScores(ids)]);
    const byTrace = groupBy(whole, (s) => s.trace_id);
    const scoresOf = groupBy(scores, (s) => s.trace_id);
    const traces = ids
      // a trace retention removed between the two reads drops out
      .flatMap((id) => {
        const t = byTrace.get(id);
        return t === undefined ? [] : [sessionTrace(t, scoresOf.get(id) ?? [])];
      })
      .sort((a, b) => a.started_at - b.started_at || byCodePoint(a.trace_id, b.trace_id));
    return { ...summary, traces };
  }

  listUsers(q: UserQuery): Promise<UserSummary[]> {
    return this.source.listUsers(q);
  }
}
