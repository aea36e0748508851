import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import { type ApiScore, toApiScore } from "../score/parse.js";
import type { SessionStore, SessionSummary, SessionTrace, UserSummary } from "../store/sessions.js";
import { encodeSessionCursor, parseSessionQuery, parseUserQuery } from "./query.js";

export interface SessionRouteOptions {
  store: { sessions: SessionStore };
  /** The clock windows end at. */
  now: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A session as GET /sessions and /sessions/{id} serve it: times as RFC 3339. */
function apiSession(s: SessionSummary) {
  return {
    session_id: s.session_id,
    user_id: s.user_id,
    first_seen: iso(s.first_seen),
    last_seen: iso(s.last_seen),
    trace_count: s.trace_count,
    span_count: s.span_count,
    total_cost_usd: s.cost_usd,
    error_count: s.error_count,
    quality_avg: s.quality_avg,
  };
}

function apiTrace(t: SessionTrace): Record<string, unknown> & { scores: ApiScore[] } {
  return {
    trace_id: t.trace_id,
    name: t.name,
    started_at: iso(t.started_at),
    cost_usd: t.cost_usd,
    latency_ms: t.latency_ms,
    status: t.status,
    scores: t.scores.map(toApiScore),
  };
}

function apiUser(u: UserSummary) {
  return {
    user_id: u.user_id,
    span_count: u.span_count,
    session_count: u.session_count,
    total_cost_usd: u.cost_usd,
    total_tokens: u.total_tokens,
    error_rate: u.span_count === 0 ? null : u.error_count / u.span_count,
    quality_avg: u.quality_avg,
    last_seen: iso(u.last_seen),
  };
}

/** GET /sessions, GET /sessions/{id}, GET /users (docs/sessions.md). */
export async function sessionRoutes(app: FastifyInstance, ctx: SessionRouteOptions): Promise<void> {
  app.get("/sessions", async (request) => {
    const q = parseSessionQuery(request.query as Record<string, unknown>, ctx.now());
    const { sessions, hasMore } = await ctx.store.sessions.listSessions(q);
    const last = sessions.at(-1);
    return {
      sessions: sessions.map(apiSession),
      next_cursor:
        hasMore && last !== undefined
          ? encodeSessionCursor({ lastSeen: last.last_seen, sessionId: last.session_id })
          : null,
    };
  });

  app.get<{ Params: { id: string } }>("/sessions/:id", async (request) => {
    const id = request.params.id;
    const session = await ctx.store.sessions.getSession(id);
    if (session === null) throw new ApiError("session_not_found", `session ${JSON.stringify(id)} not found`);
    return { ...apiSession(session), traces: session.traces.map(apiTrace) };
  });

  app.get("/users", async (request) => {
    const q = parseUserQuery(request.query as Record<string, unknown>, ctx.now());
    return { users: (await ctx.store.sessions.listUsers(q)).map(apiUser) };
  });
}
