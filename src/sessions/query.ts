import { ApiError } from "../errors.js";
import { single } from "../metrics/params.js";
import { windowRange } from "../metrics/query.js";
import { parseWindow } from "../metrics/window.js";
import { MAX_SESSION_USER_LENGTH } from "../span/normalize.js";
import type { SessionKey, SessionQuery, UserQuery, UserSort } from "../store/sessions.js";

// The limits of GET /traces.
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;
const CURSOR_VERSION = 1;
const SORTS: readonly UserSort[] = ["cost", "spans", "errors", "last_seen"];

function bad(message: string): never {
  throw new ApiError("invalid_query", message);
}

/** Refuses parameters the route does not know: a typo must not silently widen the answer. */
function known(query: Record<string, unknown>, names: readonly string[]): void {
  for (const k of Object.keys(query)) {
    if (!names.includes(k)) bad(`unknown query parameter ${JSON.stringify(k)}; use ${names.join(", ")}`);
  }
}

function limitOf(query: Record<string, unknown>): number {
  const text = single(query, "limit");
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,15}$/.test(text)) bad(`limit must be an integer >= 1, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < 1 || n > MAX_LIMIT) bad(`limit must be between 1 and ${MAX_LIMIT}, got ${n}`);
  return n;
}

/**
 * The opaque `next_cursor` of GET /sessions: base64url JSON of the last session's place in
 * the order (its last_seen and id) and a format version.
 *
 * @example encodeSessionCursor({ lastSeen: 1773584581441, sessionId: "conv-2291" })
 */
export function encodeSessionCursor(key: SessionKey): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, l: key.lastSeen, s: key.sessionId })).toString("base64url");
}

function decodeSessionCursor(text: string): SessionKey {
  let k: { v?: unknown; l?: unknown; s?: unknown } | null = null;
  try {
    if (/^[A-Za-z0-9_-]{1,800}$/.test(text)) k = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    k = null;
  }
  if (
    typeof k !== "object" ||
    k === null ||
    k.v !== CURSOR_VERSION ||
    !Number.isSafeInteger(k.l) ||
    typeof k.s !== "string" ||
    k.s === "" ||
    k.s.length > MAX_SESSION_USER_LENGTH
  ) {
    bad("cursor is not valid: pass the next_cursor of a previous GET /sessions answer");
  }
  return { lastSeen: k.l as number, sessionId: k.s };
}

function userIdOf(query: Record<string, unknown>): string | undefined {
  const v = single(query, "user_id");
  if (v !== undefined && (v.length === 0 || v.length > MAX_SESSION_USER_LENGTH)) {
    bad(`user_id must be 1-${MAX_SESSION_USER_LENGTH} characters`);
  }
  return v;
}

/**
 * Reads GET /sessions parameters: window (default 24h), user_id, limit (1-200, default 20),
 * cursor. A session is listed when its latest span started after now - window.
 *
 * @example parseSessionQuery({ window: "7d", user_id: "u-1042" }, Date.now())
 */
export function parseSessionQuery(query: Record<string, unknown>, now: number): SessionQuery {
  known(query, ["window", "user_id", "limit", "cursor"]);
  const window = parseWindow(query.window ?? "24h");
  // left-open like a /metrics window: a span started exactly at now - window is out
  const q: SessionQuery = { since: now - window.ms, limit: limitOf(query) };
  const user = userIdOf(query);
  if (user !== undefined) q.userId = user;
  const cursor = single(query, "cursor");
  if (cursor !== undefined) q.after = decodeSessionCursor(cursor);
  return q;
}

/**
 * Reads GET /users parameters: window (default 30d), sort (cost, spans, errors, last_seen;
 * default cost), limit (1-200, default 20).
 *
 * @example parseUserQuery({ window: "7d", sort: "errors" }, Date.now())
 */
export function parseUserQuery(query: Record<string, unknown>, now: number): UserQuery {
  known(query, ["window", "sort", "limit"]);
  const window = parseWindow(query.window ?? "30d");
  const sort = single(query, "sort") ?? "cost";
  if (!(SORTS as readonly string[]).includes(sort)) {
    bad(`sort must be one of ${SORTS.join(", ")}, got ${JSON.stringify(sort)}`);
  }
  return { ...windowRange(window.ms, now), sort: sort as UserSort, limit: limitOf(query) };
}
