import type { Attributes, Span, SpanStatus } from "../../span/types.js";
import type { TraceQuery, TraceSearchResult } from "../store.js";
import { filterConditions, Params } from "./filter.js";
import type { Query } from "./plan.js";

const HOUR = 3_600_000;
// Search windows grow by this factor (1h, 8h, 64h, 21d) before the whole table is searched.
const GROWTH = 8;
const MAX_WINDOW = 512 * HOUR;

/** Column list for SELECTs that feed rowToSpan (attributes as JSON text, parsed here). */
const SPAN_SELECT =
  "trace_id, span_id, parent_span_id, name, model, provider, prompt_tokens, comp_tokens, total_tokens, " +
  "cached_tokens, reasoning_tokens, cost_usd, latency_ms, ttft_ms, status, caller, started_at, ended_at, " +
  "eval_score, attributes::text AS attributes";

/** A stored row back into a Span (int8 and numeric arrive as numbers, see connect.ts). */
export function rowToSpan(r: Record<string, unknown>): Span {
  return {
    trace_id: r.trace_id as string,
    span_id: r.span_id as string,
    parent_span_id: (r.parent_span_id as string | null) ?? null,
    name: r.name as string,
    model: (r.model as string | null) ?? null,
    provider: (r.provider as string | null) ?? null,
    prompt_tokens: r.prompt_tokens as number,
    comp_tokens: r.comp_tokens as number,
    total_tokens: r.total_tokens as number,
    cached_tokens: (r.cached_tokens as number | null) ?? null,
    reasoning_tokens: (r.reasoning_tokens as number | null) ?? null,
    cost_usd: (r.cost_usd as number | null) ?? null,
    latency_ms: r.latency_ms as number,
    ttft_ms: (r.ttft_ms as number | null) ?? null,
    status: r.status as SpanStatus,
    caller: (r.caller as string | null) ?? null,
    started_at: r.started_at as number,
    ended_at: r.ended_at as number,
    eval_score: (r.eval_score as number | null) ?? null,
    attributes: JSON.parse(r.attributes as string) as Attributes,
  };
}

/** All spans of one trace, ordered by started_at (an index lookup per partition). */
export async function getTracePg(db: Query, traceId: string): Promise<Span[]> {
  const rows = await db(`SELECT ${SPAN_SELECT} FROM spans WHERE trace_id = $1 ORDER BY started_at, span_id`, [traceId]);
  return rows.map(rowToSpan);
}

async function fetchTraces(db: Query, ids: string[]): Promise<Map<string, Span[]>> {
  const rows = await db(
    `SELECT ${SPAN_SELECT} FROM spans WHERE trace_id = ANY($1::text[]) ORDER BY started_at, span_id`,
    [ids],
  );
  const out = new Map<string, Span[]>();
  for (const r of rows) {
    const s = rowToSpan(r);
    const t = out.get(s.trace_id);
    if (t === undefined) out.set(s.trace_id, [s]);
    else t.push(s);
  }
  return out;
}

interface Candidate {
  id: string;
  spans: Span[];
  start: number;
}

function newestFirst(a: Candidate, b: Candidate): number {
  return b.start - a.start || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Traces with at least one span matching every filter, newest trace start first (a trace
 * starts at its earliest span), each returned whole. The same windowed search as the duckdb
 * driver: the newest hour first, widened until enough traces are certain, so a small page
 * reads only recent partitions (the started_at index and partition pruning skip the rest).
 */
export async function searchTracesPg(db: Query, q: TraceQuery): Promise<TraceSearchResult> {
  const need = q.offset + q.limit + 1;
  let top = q.until;
  if (top === undefined) {
    const r = await db("SELECT max(started_at) AS m FROM spans", []);
    if (r[0].m === null) return { traces: [], hasMore: false };
    top = (r[0].m as number) + 1;
  }
  let width = HOUR;
  let fetch = need + 4;
  for (;;) {
    let lo = width > MAX_WINDOW ? undefined : top - width;
    if (lo !== undefined && q.since !== undefined && lo <= q.since) lo = undefined;
    const p = new Params();
    const conds = filterConditions(q, p);
    if (q.since !== undefined) conds.push(`started_at > ${p.add(q.since)}::bigint`);
    if (q.until !== undefined) conds.push(`started_at < ${p.add(q.until)}::bigint`);
    if (lo !== undefined) conds.push(`started_at >= ${p.add(lo)}::bigint`);
    const where = conds.length === 0 ? "" : `WHERE ${conds.join(" AND ")}`;
    const found = await db(
      `SELECT trace_id, min(started_at) AS m FROM spans ${where}
       GROUP BY trace_id ORDER BY m DESC, trace_id DESC LIMIT ${p.add(fetch)}`,
      p.values,
    );
    const full = found.length === fetch;
    const traces =
      found.length === 0
        ? new Map<string, Span[]>()
        : await fetchTraces(
            db,
            found.map((r) => r.trace_id as string),
          );
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
