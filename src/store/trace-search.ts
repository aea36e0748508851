import type { Span } from "../span/types.js";
import { FILTER_FIELDS, type TraceKey, type TraceQuery, type TraceSearchResult } from "./store.js";

const HOUR = 3_600_000;
// Search windows grow by this factor (1h, 8h, 64h, 21d) before the whole table is searched.
const GROWTH = 8;
const MAX_WINDOW = 512 * HOUR;

/** How one SQL driver runs the queries of the windowed trace search. */
export interface TraceSearchSql {
  /**
   * Up to `n` traces with a span matching the query's filters (since/until included) in
   * [lo, hi] (no bound when undefined), as { trace_id, m: earliest such started_at },
   * ordered m DESC, trace_id DESC.
   */
  starts(lo: number | undefined, hi: number | undefined, n: number): Promise<Record<string, unknown>[]>;
  /**
   * Up to `n` traces with a span of any kind in [lo, hi] and a span matching the filters
   * after hi, as { trace_id, m: earliest started_at in [lo, hi] }, ordered m DESC, trace_id DESC.
   */
  straddlers(lo: number | undefined, hi: number, n: number): Promise<Record<string, unknown>[]>;
  /** Whole traces for these ids, keyed by trace id, spans by started_at. */
  traces(ids: string[]): Promise<Map<string, Span[]>>;
}

/** The end of a starts/straddlers query over spans: WHERE, one row per trace, newest `m` first, at most `n`. */
export function newestTraces(where: string[], n: string): string {
  return `${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`}
     GROUP BY trace_id ORDER BY m DESC, trace_id DESC LIMIT ${n}`;
}

interface Candidate {
  id: string;
  spans: Span[];
  start: number; // the trace's start: its earliest span, matching or not
}

function newestFirst(a: Candidate, b: Candidate): number {
  return b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** True when a trace starting at `start` comes strictly after `key` in the search order. */
export function isAfter(start: number, traceId: string, key: TraceKey | undefined): boolean {
  return key === undefined || start < key.start || (start === key.start && traceId < key.traceId);
}

/** True when the filters can reject a span of a trace that has other spans matching them. */
function selective(q: TraceQuery): boolean {
  return FILTER_FIELDS.some((f) => q[f] !== undefined) || q.attrs !== undefined || q.since !== undefined;
}

/**
 * Traces with at least one span matching every filter, newest trace start first (a trace
 * starts at its earliest span), each returned whole; with `q.after`, only the traces after
 * that one.
 *
 * Newest-first with a small limit only needs the recent end of the table, so the search
 * starts with the window [top - width, ...) (top: `until`, the cursor's start or just past
 * the newest span) and widens it until enough traces are certain: a trace not found in
 * window [lo, ...) starts before lo, and a trace outside the `fetch` newest found ones
 * starts no later than the last of them. Time indexes (zone maps, partitions) let the
 * database skip the rest. `width` may be infinite when the driver already knows every
 * candidate.
 *
 * After a cursor at start A, matching spans are searched in [lo, A] only, so the cost does
 * not grow with the depth. A trace that starts at or before A but matches only after A
 * (a "straddler") is found by its own query over the spans in [lo, A]; its place in that
 * query's order is its earliest span in the window, so the same certainty cut holds.
 */
export async function searchTraces(
  sql: TraceSearchSql,
  q: TraceQuery,
  top: number,
  width = HOUR,
): Promise<TraceSearchResult> {
  const after = q.after;
  const hi = after?.start;
  if (hi !== undefined) top = Math.min(top, hi + 1);
  const straddle = hi !== undefined && selective(q);
  const need = q.offset + q.limit + 1; // one extra answers hasMore
  // A few spare candidates: traces whose earliest span does not match fall behind the cut.
  let fetch = need + 4;
  for (;;) {
    let lo = width > MAX_WINDOW ? undefined : top - width;
    if (lo !== undefined && q.since !== undefined && lo <= q.since) lo = undefined;
    const found = await sql.starts(lo, hi, fetch);
    const other = straddle ? await sql.straddlers(lo, hi, fetch) : [];
    const full = found.length === fetch || other.length === fetch;
    const ids = [...new Set([...found, ...other].map((r) => r.trace_id as string))];
    const traces = ids.length === 0 ? new Map<string, Span[]>() : await sql.traces(ids);
    // Certain: no trace left unseen can start at or after this one.
    let theta = Number.NEGATIVE_INFINITY;
    if (found.length === fetch) theta = found[found.length - 1].m as number;
    if (other.length === fetch) theta = Math.max(theta, other[other.length - 1].m as number);
    const certain: Candidate[] = [];
    for (const [id, spans] of traces) {
      const start = spans[0].started_at;
      if (start > theta && (lo === undefined || start >= lo) && isAfter(start, id, after)) {
        certain.push({ id, spans, start });
      }
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
