import { ApiError } from "../errors.js";
import type { Span } from "../span/types.js";
import type { TraceKey } from "../store/store.js";

const VERSION = 1;

/**
 * The opaque `next_cursor` of GET /traces: base64url JSON of the last trace's place in the
 * order (its start and id) and a format version.
 *
 * @example encodeCursor(lastTraceSpans) // "eyJ2IjoxLCJzIjoxNzc..."
 */
export function encodeCursor(spans: Span[]): string {
  const key = { v: VERSION, s: spans[0].started_at, t: spans[0].trace_id };
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** Reads a `cursor=` value back; anything not made by encodeCursor is a 400 naming `cursor`. */
export function decodeCursor(text: string): TraceKey {
  let key: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,800}$/.test(text)) throw new Error("not base64url");
    key = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    key = null;
  }
  const k = key as { v?: unknown; s?: unknown; t?: unknown } | null;
  if (
    typeof k !== "object" ||
    k === null ||
    k.v !== VERSION ||
    typeof k.s !== "number" ||
    !Number.isFinite(k.s) ||
    typeof k.t !== "string" ||
    k.t === ""
  ) {
    throw new ApiError("invalid_query", "cursor is not valid: pass the next_cursor of a previous GET /traces answer");
  }
  return { start: k.s, traceId: k.t };
}
