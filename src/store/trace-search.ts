import type { Span } from "../span/types.js";
import type { TraceQuery, TraceSearchResult } from "./store.js";

const HOUR = 3_600_000;
// Search windows grow by this factor (1h, 8h, 64h, 21d) before the whole table is searched.
const GROWTH = 8;
const MAX_WINDOW = 512 * HOUR;

/** How one SQL driver runs the two queries of the windowed trace search. */
export interface TraceSearchSql {
  /**
   * Up to `n` traces with a span matching the query's filters (since/until included) at or
   * after `lo` (no bound when undefined), as { trace_id, m: earliest such started_at },
   * ordered m DESC, trace_id DESC.
   */
  starts(lo: number | undefined, n: number): Promise<Record<string, unknown>[]>;
  /** Whole traces for these ids, keyed by trace id, spans by started_at. */
  traces(ids: string[]): Promise<Map<string, Span[]>>;
}

interface Candidate {
  id: string;
  spans: Span[];
  start: number; // the trace's start: its earliest span, matching or not
}

function newestFirst(a: Candidate, b: Candidate): number {
  return b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Traces with at least one span matching every filter, newest trace start first (a trace
 * starts at its earliest span), each returned whole.
 *
 * Newest-first with a small limit only needs the recent end of the table, so the search
 * starts with the window [top - width, ...) (top: `until` or just past the newest span) and
 * widens it until enough traces are certain: a trace not found in window [lo, ...) starts
 * before lo, and a trace outside the `fetch` newest found ones starts no later than the
 * last of them. Time indexes (zone maps, partitions) let the database skip the rest.
 * `width` may be infinite when the driver already knows every candidate.
 */
export async function searchTraces(
  sql: TraceSearchSql,
  q: TraceQuery,
  top: number,
  width = HOUR,
): Promise<TraceSearchResult> {
  const need = q.offset + q.limit + 1; // one extra answers hasMore
  // A few spare candidates: traces whose earliest span does not match fall behind the cut.
  let fetch = need + 4;
  for (;;) {
    let lo = width > MAX_WINDOW ? undefined : top - width;
    if (lo !== undefined && q.since !== undefined && lo <= q.since) lo = undefined;
    const found = await sql.starts(lo, fetch);
    const full = found.length === fetch;
    const traces =
      found.length === 0 ? new Map<string, Span[]>() : await sql.traces(found.map((r) => r.trace_id as string));
    // Certain: no trace left unseen can start at or after this one.
    const theta = full ? (found[found.length - 1].m as number) : Number.NEGATIVE_INFINITY;
    const certain: Candidate[] = [];
    for (const [id, spans] of traces) {
      const start = spans[0].started_at;
      if (start > theta && (lo === undefined || start >= lo)) certain.push({ id, spans, start });
    }
    if (certain.length >= need || (lo === undefined && !full)) {
      certain.sort(newestFirst);
      const page = certain.slice(q.offset, q.offset + q.limit);
      return { traces: page.map((c) => c.spans), hasMore: certain.length > q.offset + q.limit };
    }
    if (full) fetch *= 2;
    else width *= GROWTH;
  }
}
