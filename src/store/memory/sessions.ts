import type { Score, ScoreStore } from "../../score/types.js";
import type { Span } from "../../span/types.js";
import { fromPico, toPico } from "../../stats/cost.js";
import type { SessionKey, UserQuery, UserSort, UserSummary } from "../sessions.js";
import { byCodePoint, newestSessionFirst, qualityOf, type SessionSource } from "../sessions-read.js";

interface UserAcc {
  user_id: string;
  span_count: number;
  sessions: Set<string>;
  pico: bigint;
  priced: boolean;
  total_tokens: number;
  error_count: number;
  scoreSum: number;
  scored: number;
  last_seen: number;
}

const SORT_KEY: Record<UserSort, (u: UserAcc) => bigint | number> = {
  cost: (u) => (u.priced ? u.pico : -1n), // unpriced users last
  spans: (u) => u.span_count,
  errors: (u) => u.error_count,
  last_seen: (u) => u.last_seen,
};

function userOrder(sort: UserSort): (a: UserAcc, b: UserAcc) => number {
  const key = SORT_KEY[sort];
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x > y ? -1 : x < y ? 1 : byCodePoint(a.user_id, b.user_id);
  };
}

/** GET /users over spans in memory: the figures the SQL drivers' GROUP BY user_id gives. */
export function usersOf(spans: Iterable<Span>, q: UserQuery): UserSummary[] {
  const users = new Map<string, UserAcc>();
  for (const s of spans) {
    if (s.user_id === null || s.started_at < q.from || s.started_at >= q.to) continue;
    let u = users.get(s.user_id);
    if (u === undefined) {
      u = {
        user_id: s.user_id,
        span_count: 0,
        sessions: new Set(),
        pico: 0n,
        priced: false,
        total_tokens: 0,
        error_count: 0,
        scoreSum: 0,
        scored: 0,
        last_seen: s.started_at,
      };
      users.set(s.user_id, u);
    }
    if (s.session_id !== null) u.sessions.add(s.session_id);
    u.last_seen = Math.max(u.last_seen, s.started_at);
    u.total_tokens += s.total_tokens;
    if (s.model === null) continue;
    u.span_count++;
    if (s.status !== "ok") u.error_count++;
    if (s.cost_usd !== null) {
      u.pico += toPico(s.cost_usd);
      u.priced = true;
    }
    if (s.eval_score !== null) {
      u.scoreSum += s.eval_score;
      u.scored++;
    }
  }
  return [...users.values()]
    .sort(userOrder(q.sort))
    .slice(0, q.limit)
    .map((u) => ({
      user_id: u.user_id,
      span_count: u.span_count,
      session_count: u.sessions.size,
      cost_usd: u.priced ? fromPico(u.pico) : null,
      total_tokens: u.total_tokens,
      error_count: u.error_count,
      quality_avg: qualityOf(u.scoreSum, u.scored),
      last_seen: u.last_seen,
    }));
}

/** The memory store's SessionSource: scans of the stored spans (tests and small in-process use). */
export function memorySessionSource(
  spans: () => readonly Span[],
  trace: (id: string) => readonly Span[],
  scores: ScoreStore,
): SessionSource {
  return {
    async sessionKeys(q) {
      const last = new Map<string, number>();
      const mine = new Set<string>();
      for (const s of spans()) {
        if (s.session_id === null) continue;
        if (q.userId !== undefined && s.user_id === q.userId) mine.add(s.session_id);
        if (s.started_at > q.since)
          last.set(s.session_id, Math.max(last.get(s.session_id) ?? s.started_at, s.started_at));
      }
      const after = q.after;
      const keys: SessionKey[] = [...last]
        .map(([sessionId, lastSeen]) => ({ sessionId, lastSeen }))
        .filter(
          (k) => (q.userId === undefined || mine.has(k.sessionId)) && (!after || newestSessionFirst(after, k) < 0),
        );
      return keys.sort(newestSessionFirst).slice(0, q.limit);
    },
    async sessionSpans(ids) {
      const wanted = new Set(ids);
      return spans().filter((s) => s.session_id !== null && wanted.has(s.session_id));
    },
    async traceSpans(ids) {
      return ids.flatMap((id) => trace(id));
    },
    async traceScores(ids): Promise<Score[]> {
      return (await Promise.all(ids.map((id) => scores.traceScores(id)))).flat();
    },
    async listUsers(q) {
      return usersOf(spans(), q);
    },
  };
}
