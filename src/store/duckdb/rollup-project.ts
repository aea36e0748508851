// Sketch bins merged onto one key (rollup_bins_by), so a percentile that needs no more than
// one key reads a few rows per bucket instead of the bins of every full key.
//
// rollup_bins keeps a sketch per full rollup key (model, provider, caller, status, declared
// dimensions). Each of those sketches is sparse, so the bins come to nearly one row per span:
// ~300k rows a day at 10M spans over 30 days, and a 30-day p95 merged ~9M of them. Most
// questions name one key at most: p95 over the window, p95 by model, p95 where caller=x.
// rollup_bins_by holds the same bins merged per (bucket, key, value) for key "" (no key: one
// sketch per bucket), each column key and each declared dimension (`attr.NAME`). Its rows are
// a function of rollup_bins: rebuilt from it wherever rollup_bins is rebuilt. Late spans add
// bins to rollup_bins only and mark their bucket in rollup_stale (one row, in their commit);
// the worker re-projects marked buckets every minute, and reads take a marked bucket from
// rollup_bins meanwhile. A query with two keys or more reads rollup_bins.
import type { Dimensions } from "../rollup/dimensions.js";
import type { SummaryQuery } from "../store.js";
import { jsonPointer } from "./filter.js";

type Sql = { sql: string; params: unknown[] };

const COLUMNS = ["model", "provider", "caller", "status"] as const;
const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Each projection: its name in rollup_bins_by.key and its value over a rollup_bins row. */
function projections(dims: Dimensions): [string, string][] {
  return [
    ["", "NULL::VARCHAR"],
    ...COLUMNS.map((c): [string, string] => [c, c]),
    ...dims.names.map((d): [string, string] => [`attr.${d}`, `json_extract_string(dims, ${quote(jsonPointer(d))})`]),
  ];
}

/**
 * Statements replacing the projected bins of resolution `res` for buckets in [from, to) with
 * rollup_bins' bins there, merged per key (to run after rollup_bins changed in that range).
 * Written in (bucket, key) order, so DuckDB's min/max pruning skips the other keys' rows.
 */
export function projectSql(res: number, from: number, to: number, dims: Dimensions): Sql[] {
  const range = "res = $1 AND bucket >= $2 AND bucket < $3";
  const parts = projections(dims).map(
    ([key, value]) =>
      `SELECT bucket, ${quote(key)} AS key, ${value} AS value, col, bin, n, lo, hi FROM rollup_bins WHERE ${range}`,
  );
  return [
    { sql: `DELETE FROM rollup_bins_by WHERE ${range}`, params: [res, from, to] },
    {
      sql: `INSERT INTO rollup_bins_by SELECT $1::BIGINT, bucket, key, value, col, bin, sum(n)::BIGINT, min(lo), max(hi)
        FROM (${parts.join("\nUNION ALL\n")}) GROUP BY ALL ORDER BY bucket, key, value`,
      params: [res, from, to],
    },
  ];
}

/** Marks buckets whose rollup_bins gained rows that rollup_bins_by does not have yet. */
export function staleSql(buckets: { res: number; bucket: number }[]): Sql[] {
  if (buckets.length === 0) return [];
  return [
    {
      sql: `INSERT INTO rollup_stale VALUES ${buckets.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(", ")}`,
      params: buckets.flatMap((b) => [b.res, b.bucket]),
    },
  ];
}

/** Re-projects every marked bucket and clears the marks (one transaction). */
export async function projectStale(
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  run: (statements: Sql[]) => Promise<number[]>,
  dims: Dimensions,
): Promise<void> {
  const rows = await query("SELECT DISTINCT res, bucket FROM rollup_stale", []);
  if (rows.length === 0) return;
  await run([
    ...rows.flatMap((r) => projectSql(Number(r.res), Number(r.bucket), Number(r.bucket) + Number(r.res), dims)),
    { sql: "DELETE FROM rollup_stale", params: [] },
  ]);
}

/**
 * The projection a summary query can read its sketches from: the one key its filter and
 * group-by name together (with the filter's value), "" when they name none, null when they
 * name two or more (rollup_bins answers). Only for queries rollups answer (rollupsAnswer).
 */
export function projectionOf(q: SummaryQuery): { key: string; value?: string } | null {
  const named: [string, string][] = [];
  for (const c of COLUMNS) {
    const v = q.filter[c];
    if (v !== undefined) named.push([c, v]);
  }
  for (const [k, v] of Object.entries(q.filter.attrs ?? {})) named.push([`attr.${k}`, v]);
  const g = q.groupBy;
  const grouped = g === undefined ? undefined : "column" in g ? g.column : `attr.${g.attr}`;
  if (named.length > 1) return null;
  if (named.length === 0) return { key: grouped ?? "" };
  const [[key, value]] = named;
  return grouped === undefined || grouped === key ? { key, value } : null;
}
