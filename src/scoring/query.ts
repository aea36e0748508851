import { ApiError } from "../errors.js";
import { parseWindow } from "../metrics/window.js";
import { isScoreName } from "../score/parse.js";
import type { ScoreQuery } from "../score/types.js";
import { normalizeTraceId } from "../span/ids.js";

const KNOWN = new Set(["trace_id", "session_id", "name", "window", "limit"]);
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function bad(message: string): never {
  throw new ApiError("invalid_query", message);
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") bad(`${name}: give it once`);
  return v;
}

/**
 * Reads GET /scores query parameters: trace_id, session_id, name, window (default 24h, ending now),
 * limit (1-1000, default 100). Unknown parameters are refused, as on /traces.
 *
 * @example parseScoreQuery({ name: "helpfulness", window: "7d" }, Date.now())
 */
export function parseScoreQuery(query: Record<string, unknown>, now: number): ScoreQuery {
  for (const k of Object.keys(query)) {
    if (!KNOWN.has(k))
      bad(`unknown query parameter ${JSON.stringify(k)}; use trace_id, session_id, name, window, limit`);
  }
  const window = parseWindow(query.window ?? "24h");
  const q: ScoreQuery = { since: now - window.ms, until: now, limit: DEFAULT_LIMIT };
  const trace = single(query, "trace_id");
  if (trace !== undefined) {
    const id = normalizeTraceId(trace);
    if (id === null) bad(`trace_id: ${JSON.stringify(trace)} is not a UUID or 32 hex digits`);
    q.traceId = id;
  }
  const session = single(query, "session_id");
  if (session !== undefined) {
    if (session.length < 1 || session.length > 256) bad("session_id: must be 1-256 characters");
    q.sessionId = session;
  }
  const name = single(query, "name");
  if (name !== undefined) {
    if (!isScoreName(name)) bad(`name: must be 1-128 letters, digits and _ . : -, got ${JSON.stringify(name)}`);
    q.name = name;
  }
  const limit = single(query, "limit");
  if (limit !== undefined) {
    if (!/^\d{1,15}$/.test(limit)) bad(`limit must be an integer >= 1, got ${JSON.stringify(limit)}`);
    const n = Number(limit);
    if (n < 1 || n > MAX_LIMIT) bad(`limit must be between 1 and ${MAX_LIMIT}, got ${n}`);
    q.limit = n;
  }
  return q;
}
