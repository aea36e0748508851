import type { Span } from "./types.js";

// Of two spans that start in the same millisecond, the enclosing (longer) one comes first.
function before(a: Span, b: Span): boolean {
  return a.started_at < b.started_at || (a.started_at === b.started_at && a.ended_at > b.ended_at);
}

/**
 * The root span of a trace (non-empty): the earliest span without a parent, else the
 * earliest span. A trace's name, latency and status are its root's (GET /traces, /sessions/{id}).
 *
 * @example rootOf(await store.getTrace(id)).name
 */
export function rootOf(spans: readonly Span[]): Span {
  let root: Span | null = null;
  for (const s of spans) {
    if (s.parent_span_id === null && (root === null || before(s, root))) root = s;
  }
  if (root !== null) return root;
  let first = spans[0];
  for (const s of spans) if (before(s, first)) first = s;
  return first;
}
