import type { Span } from "../span/types.js";
import { rowToSpan, spanSelect } from "./sql-rows.js";
import type { ExportQuery, SpanFilter } from "./store.js";

// Export pages shared by the SQL drivers: keyset pagination on (started_at, trace_id,
// span_id), so each page is one bounded query and no cursor stays open between pages.

type Run = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
interface Params {
  readonly values: unknown[];
  add(v: unknown): string;
}

export interface ExportSqlDialect {
  run: Run;
  params: () => Params;
  filter: (f: SpanFilter, p: Params) => string[];
  /** The SELECT list's attributes expression (JSON text). */
  attributes: string;
}

/** One page of ExportQuery on a SQL driver. */
export async function exportPageSql(d: ExportSqlDialect, q: ExportQuery): Promise<Span[]> {
  const p = d.params();
  const conds = d.filter(q.filter, p);
  if (q.since !== undefined) conds.push(`started_at >= ${p.add(q.since)}`);
  if (q.until !== undefined) conds.push(`started_at < ${p.add(q.until)}`);
  if (q.ingestedFrom !== undefined) conds.push(`ingested_at >= ${p.add(q.ingestedFrom)}`);
  if (q.ingestedTo !== undefined) conds.push(`ingested_at < ${p.add(q.ingestedTo)}`);
  if (q.after !== undefined) {
    const s = p.add(q.after.started_at);
    const t = p.add(q.after.trace_id);
    conds.push(
      `(started_at > ${s} OR (started_at = ${s} AND (trace_id > ${t} OR (trace_id = ${t} AND span_id > ${p.add(q.after.span_id)}))))`,
    );
  }
  const where = conds.length === 0 ? "" : `WHERE ${conds.join(" AND ")}`;
  const rows = await d.run(
    `SELECT ${spanSelect(d.attributes)} FROM spans ${where}
     ORDER BY started_at, trace_id, span_id LIMIT ${p.add(q.limit)}`,
    p.values,
  );
  return rows.map(rowToSpan);
}

/** Earliest ingested_at at or after `from` on a SQL driver. */
export async function firstIngestedAtSql(run: Run, from: number): Promise<number | null> {
  const rows = await run("SELECT min(ingested_at) AS m FROM spans WHERE ingested_at >= $1", [from]);
  const m = rows[0]?.m;
  return m === null || m === undefined ? null : Number(m);
}
