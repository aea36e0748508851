import type { Span } from "../../span/types.js";
import type { ExportCursor, ExportQuery } from "../store.js";
import { spanMatches } from "./match.js";

function cmpKey(a: ExportCursor, b: ExportCursor): number {
  if (a.started_at !== b.started_at) return a.started_at - b.started_at;
  if (a.trace_id !== b.trace_id) return a.trace_id < b.trace_id ? -1 : 1;
  return a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0;
}

/** ExportQuery over an array of spans; `ingestedAt` gives each stored span's commit time. */
export function exportFrom(spans: readonly Span[], ingestedAt: (s: Span) => number, q: ExportQuery): Span[] {
  const out = spans.filter((s) => {
    if (q.since !== undefined && s.started_at < q.since) return false;
    if (q.until !== undefined && s.started_at >= q.until) return false;
    const at = ingestedAt(s);
    if (q.ingestedFrom !== undefined && at < q.ingestedFrom) return false;
    if (q.ingestedTo !== undefined && at >= q.ingestedTo) return false;
    if (q.after !== undefined && cmpKey(s, q.after) <= 0) return false;
    return spanMatches(s, q.filter);
  });
  return out.sort(cmpKey).slice(0, q.limit);
}

/** Earliest commit time at or after `from`, or null. */
export function firstIngested(spans: readonly Span[], ingestedAt: (s: Span) => number, from: number): number | null {
  let min: number | null = null;
  for (const s of spans) {
    const at = ingestedAt(s);
    if (at >= from && (min === null || at < min)) min = at;
  }
  return min;
}
