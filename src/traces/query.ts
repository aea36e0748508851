import { ApiError } from "../errors.js";
import { parseRfc3339 } from "../span/time.js";
import { SPAN_STATUSES, type SpanStatus } from "../span/types.js";
import { FILTER_FIELDS, type TraceQuery } from "../store/store.js";
import { decodeCursor } from "./cursor.js";

const DEFAULT_TRACE_LIMIT = 20;
const MAX_TRACE_LIMIT = 200;
const MAX_ATTR_FILTERS = 32;
/** Deepest `offset`: every skipped trace is still read, so deep pages go through `cursor`. */
export const MAX_TRACE_OFFSET = 1000;

const PLAIN_FILTERS = FILTER_FIELDS.filter((f) => f !== "status");
const KNOWN = new Set<string>([...FILTER_FIELDS, "since", "until", "limit", "offset", "cursor"]);

function bad(message: string): never {
  throw new ApiError("invalid_query", message);
}

/** One value per parameter: `?model=a&model=b` is ambiguous, so it is refused. */
function single(name: string, v: unknown): string {
  if (typeof v === "string") return v;
  return bad(`${name} may be given only once`);
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d{1,15}$/.test(text)) bad(`${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) bad(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function time(name: string, text: string): number {
  const ms = parseRfc3339(text);
  if (ms === null)
    bad(`${name} must be an RFC 3339 timestamp such as 2026-03-15T14:00:00Z, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * Reads GET /traces query parameters into a TraceQuery. Unknown parameters are refused
 * (a typo such as `modle=` would otherwise silently return every trace).
 *
 * @example parseTraceQuery({ "attr.request_id": "abc123", limit: "50" })
 */
export function parseTraceQuery(query: Record<string, unknown>): TraceQuery {
  const q: TraceQuery = { limit: DEFAULT_TRACE_LIMIT, offset: 0 };
  const attrs: Record<string, string> = {};
  let attrCount = 0;
  for (const [name, raw] of Object.entries(query)) {
    const value = single(name, raw);
    if (name.startsWith("attr.")) {
      const key = name.slice(5);
      if (key === "") bad("attr. needs a key, e.g. attr.request_id=abc123");
      if (++attrCount > MAX_ATTR_FILTERS) bad(`at most ${MAX_ATTR_FILTERS} attr.* filters`);
      // defined, not assigned: `attrs["__proto__"] = v` would set the prototype and drop the filter
      Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (!KNOWN.has(name)) {
      bad(`unknown query parameter ${JSON.stringify(name)}; use attr.KEY, ${[...KNOWN].join(", ")}`);
    }
  }
  for (const name of PLAIN_FILTERS) {
    const v = query[name];
    if (v !== undefined) q[name] = single(name, v);
  }
  if (query.status !== undefined) {
    const s = single("status", query.status);
    if (!(SPAN_STATUSES as readonly string[]).includes(s))
      bad(`status must be one of ok, error, timeout, got ${JSON.stringify(s)}`);
    q.status = s as SpanStatus;
  }
  if (query.since !== undefined) q.since = time("since", single("since", query.since));
  if (query.until !== undefined) q.until = time("until", single("until", query.until));
  if (query.limit !== undefined) q.limit = integer("limit", single("limit", query.limit), 1, MAX_TRACE_LIMIT);
  if (query.offset !== undefined && query.cursor !== undefined) {
    bad("cursor and offset cannot be combined: page with cursor (the next_cursor of the previous page) alone");
  }
  if (query.offset !== undefined) {
    const text = single("offset", query.offset);
    if (/^\d{1,15}$/.test(text) && Number(text) > MAX_TRACE_OFFSET) {
      bad(
        `offset may be at most ${MAX_TRACE_OFFSET}, got ${text}; page deeper with cursor (next_cursor of the previous page)`,
      );
    }
    q.offset = integer("offset", text, 0, MAX_TRACE_OFFSET);
  }
  if (query.cursor !== undefined) q.after = decodeCursor(single("cursor", query.cursor));
  if (attrCount > 0) q.attrs = attrs;
  return q;
}
