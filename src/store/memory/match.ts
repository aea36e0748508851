import type { Span } from "../../span/types.js";
import { FILTER_FIELDS, type SpanFilter, type TraceQuery } from "../store.js";

/**
 * True when the span passes every filter of the query (since/until exclusive on started_at);
 * attribute values compare as strings.
 */
export function spanMatches(s: Span, q: SpanFilter & Pick<TraceQuery, "since" | "until">): boolean {
  for (const f of FILTER_FIELDS) if (q[f] !== undefined && s[f] !== q[f]) return false;
  if (q.since !== undefined && !(s.started_at > q.since)) return false;
  if (q.until !== undefined && !(s.started_at < q.until)) return false;
  for (const [k, v] of Object.entries(q.attrs ?? {})) {
    // Own keys only: a filter on "__proto__" or "toString" must not hit Object.prototype.
    if (!Object.hasOwn(s.attributes, k) || String(s.attributes[k]) !== v) return false;
  }
  return true;
}

/** Spans of one trace in display order: started_at, then span_id for a stable tie-break. */
export function byStart(a: Span, b: Span): number {
  return a.started_at - b.started_at || (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0);
}

/** Trace order of search results: newest trace start first, trace_id descending on ties. */
export function newestFirst(a: { start: number; id: string }, b: { start: number; id: string }): number {
  return b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
