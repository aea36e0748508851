import type { Span } from "../../span/types.js";
import { groupByTrace, rowToSpan, spanSelect } from "../sql-rows.js";
import type { TraceQuery, TraceSearchResult } from "../store.js";
import { newestTraces, searchTraces } from "../trace-search.js";
import { filterConditions, Params } from "./filter.js";
import type { Query } from "./plan.js";

/** Column list for SELECTs that feed rowToSpan (attributes as JSON text, parsed there). */
const SPAN_SELECT = spanSelect("attributes::text AS attributes");

/** All spans of one trace, ordered by started_at (an index lookup per partition). */
export async function getTracePg(db: Query, traceId: string): Promise<Span[]> {
  const rows = await db(`SELECT ${SPAN_SELECT} FROM spans WHERE trace_id = $1 ORDER BY started_at, span_id`, [traceId]);
  return rows.map(rowToSpan);
}

async function fetchTraces(db: Query, ids: string[]): Promise<Map<string, Span[]>> {
  return groupByTrace(
    await db(`SELECT ${SPAN_SELECT} FROM spans WHERE trace_id = ANY($1::text[]) ORDER BY started_at, span_id`, [ids]),
  );
}

/**
 * Traces with at least one span matching every filter, newest trace start first, each
 * returned whole: the shared windowed search (trace-search.ts), so a small page reads only
 * recent partitions (the started_at index and partition pruning skip the rest).
 */
export async function searchTracesPg(db: Query, q: TraceQuery): Promise<TraceSearchResult> {
  let top = q.until;
  if (top === undefined) {
    const r = await db("SELECT max(started_at) AS m FROM spans", []);
    if (r[0].m === null) return { traces: [], hasMore: false };
    top = (r[0].m as number) + 1;
  }
  // Conditions for a matching span (filters, since/until) over the spans table.
  const matching = (p: Params) => {
    const conds = filterConditions(q, p);
    if (q.since !== undefined) conds.push(`started_at > ${p.add(q.since)}::bigint`);
    if (q.until !== undefined) conds.push(`started_at < ${p.add(q.until)}::bigint`);
    return conds;
  };
  const starts = (lo: number | undefined, hi: number | undefined, n: number) => {
    const p = new Params();
    const conds = matching(p);
    if (lo !== undefined) conds.push(`started_at >= ${p.add(lo)}::bigint`);
    if (hi !== undefined) conds.push(`started_at <= ${p.add(hi)}::bigint`);
    return db(`SELECT trace_id, min(started_at) AS m FROM spans ${newestTraces(conds, p.add(n))}`, p.values);
  };
  const straddlers = (lo: number | undefined, hi: number, n: number) => {
    const p = new Params();
    const conds = [`s.started_at <= ${p.add(hi)}::bigint`];
    if (lo !== undefined) conds.push(`s.started_at >= ${p.add(lo)}::bigint`);
    // Unqualified columns in the subquery are the matching span's (x).
    const x = [...matching(p), "x.trace_id = s.trace_id", `x.started_at > ${p.add(hi)}::bigint`];
    conds.push(`EXISTS (SELECT 1 FROM spans x WHERE ${x.join(" AND ")})`);
    return db(
      `SELECT trace_id, min(started_at) AS m FROM (SELECT s.trace_id, s.started_at FROM spans s
       WHERE ${conds.join(" AND ")}) w ${newestTraces([], p.add(n))}`,
      p.values,
    );
  };
  return searchTraces({ starts, straddlers, traces: (ids) => fetchTraces(db, ids) }, q, top);
}
