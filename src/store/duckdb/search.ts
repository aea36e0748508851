import type { Span } from "../../span/types.js";
import { groupByTrace, rowToSpan, spanSelect } from "../sql-rows.js";
import type { TraceQuery, TraceSearchResult } from "../store.js";
import { newestTraces, searchTraces } from "../trace-search.js";
import { pairHash } from "./bloom.js";
import { filterConditions, Params } from "./filter.js";
import type { SqlRunner } from "./summarize.js";

const SPAN_SELECT = spanSelect();
// An attribute value on at most this many spans is "rare": its spans are found through
// span_attrs and fetched by started_at instead of scanning time windows.
const RARE = 64;

/** A SQL string literal: quotes doubled, so any string is only data. */
export function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

// Ids of the usual shapes (UUIDs, hex) are inlined: a parameterised statement costs a
// prepare round that doubles a ~1.5 ms index lookup. Anything else stays a parameter.
export const PLAIN_ID = /^[\w.:-]{1,128}$/;

/** All spans of one trace, ordered by started_at (the ART index on trace_id makes this a point lookup). */
export async function getTraceSql(db: SqlRunner, traceId: string): Promise<Span[]> {
  const plain = PLAIN_ID.test(traceId);
  const rows = await db.all(
    `SELECT ${SPAN_SELECT} FROM spans WHERE trace_id = ${plain ? literal(traceId) : "$1"} ORDER BY started_at, span_id`,
    plain ? [] : [traceId],
  );
  return rows.map(rowToSpan);
}

// Long IN lists stop using the trace_id index (DuckDB turns them into a join over the
// whole table): fetch in small chunks, concurrently.
export const FETCH_CHUNK = 32;

/** An IN list of trace ids: inlined literals when they have the usual shapes, else parameters. */
export function idList(ids: string[]): { list: string; params: string[] } {
  const plain = ids.every((id) => PLAIN_ID.test(id));
  return { list: (plain ? ids.map(literal) : ids.map((_, i) => `$${i + 1}`)).join(", "), params: plain ? [] : ids };
}

/** Whole traces for these ids (index lookups), keyed by trace id, spans by started_at. */
async function fetchTraces(db: SqlRunner, ids: string[]): Promise<Map<string, Span[]>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += FETCH_CHUNK) chunks.push(ids.slice(i, i + FETCH_CHUNK));
  const results = await Promise.all(
    chunks.map((c) => {
      const { list, params } = idList(c);
      return db.all(
        `SELECT ${SPAN_SELECT} FROM spans WHERE trace_id IN (${list}) ORDER BY started_at, span_id`,
        params,
      );
    }),
  );
  return groupByTrace(results.flat());
}

/**
 * started_at of every span that may match, when one of the attr filters is rare
 * (span_attrs, LIMIT stops the scan early for common values); null when none is.
 */
async function rareAttrTimes(db: SqlRunner, q: TraceQuery): Promise<number[] | null> {
  for (const [k, v] of Object.entries(q.attrs ?? {})) {
    const p = new Params();
    // Typed INTEGER like the column: a BIGINT parameter would cast h and defeat the pushdown.
    const conds = [`h = ${p.add(pairHash(k, v))}::INTEGER`];
    if (q.since !== undefined) conds.push(`started_at > ${p.add(q.since)}`);
    if (q.until !== undefined) conds.push(`started_at < ${p.add(q.until)}`);
    const rows = await db.all(
      `SELECT started_at FROM span_attrs WHERE ${conds.join(" AND ")} LIMIT ${RARE + 1}`,
      p.values,
    );
    if (rows.length <= RARE) return [...new Set(rows.map((r) => r.started_at as number))];
  }
  return null;
}

/**
 * Traces with at least one span matching every filter, newest trace start first, each
 * returned whole: the shared windowed search (trace-search.ts) over the started_at zone
 * maps, or, with a rare attribute, over the started_at values span_attrs lists.
 */
export async function searchTracesSql(db: SqlRunner, q: TraceQuery): Promise<TraceSearchResult> {
  const times = await rareAttrTimes(db, q);
  if (times !== null && times.length === 0) return { traces: [], hasMore: false };
  let top = q.until ?? 0;
  if (q.until === undefined && times === null) {
    const r = await db.all("SELECT max(started_at) AS m FROM spans", []);
    if (r[0].m === null) return { traces: [], hasMore: false };
    top = (r[0].m as number) + 1;
  }
  // Conditions for a matching span (filters, since/until, rare-attribute times), columns of `alias`.
  const matching = (p: Params, alias = "") => {
    const c = alias === "" ? "" : `${alias}.`;
    const conds = filterConditions(q, p, alias);
    if (q.since !== undefined) conds.push(`${c}started_at > ${p.add(q.since)}`);
    if (q.until !== undefined) conds.push(`${c}started_at < ${p.add(q.until)}`);
    // Inlined: integers read back from the database, and literals let zone maps skip row groups.
    if (times !== null) conds.push(`${c}started_at IN (${times.map((t) => Math.trunc(t)).join(", ")})`);
    return conds;
  };
  const starts = (lo: number | undefined, hi: number | undefined, n: number) => {
    const p = new Params();
    const conds = matching(p);
    if (lo !== undefined) conds.push(`started_at >= ${p.add(lo)}`);
    if (hi !== undefined) conds.push(`started_at <= ${p.add(hi)}`);
    return db.all(`SELECT trace_id, min(started_at) AS m FROM spans ${newestTraces(conds, p.add(n))}`, p.values);
  };
  const straddlers = (lo: number | undefined, hi: number, n: number) => {
    const p = new Params();
    const conds = [`started_at <= ${p.add(hi)}`];
    if (lo !== undefined) conds.push(`started_at >= ${p.add(lo)}`);
    const x = [...matching(p, "x"), `x.trace_id = spans.trace_id`, `x.started_at > ${p.add(hi)}`];
    conds.push(`EXISTS (SELECT 1 FROM spans x WHERE ${x.join(" AND ")})`);
    return db.all(`SELECT trace_id, min(started_at) AS m FROM spans ${newestTraces(conds, p.add(n))}`, p.values);
  };
  // With a rare attribute every candidate is known: no windows needed.
  const width = times === null ? undefined : Number.POSITIVE_INFINITY;
  return searchTraces({ starts, straddlers, traces: (ids) => fetchTraces(db, ids) }, q, top, width);
}
