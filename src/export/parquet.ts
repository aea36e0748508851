import { DuckDBInstance } from "@duckdb/node-api";
import type { Span } from "../span/types.js";
import { EXPORT_COLUMNS } from "./format.js";

// Parquet needs its footer written last, so spans are staged a page at a time in a
// newline-delimited JSON file, then DuckDB's COPY turns it into Parquet. Both steps stream:
// memory stays at one page plus DuckDB's row groups, whatever the number of rows.

const TYPES: Record<(typeof EXPORT_COLUMNS)[number], string> = {
  trace_id: "VARCHAR",
  span_id: "VARCHAR",
  parent_span_id: "VARCHAR",
  name: "VARCHAR",
  model: "VARCHAR",
  provider: "VARCHAR",
  prompt_tokens: "BIGINT",
  comp_tokens: "BIGINT",
  total_tokens: "BIGINT",
  cached_tokens: "BIGINT",
  reasoning_tokens: "BIGINT",
  cost_usd: "DECIMAL(18, 12)",
  latency_ms: "DOUBLE",
  ttft_ms: "DOUBLE",
  status: "VARCHAR",
  caller: "VARCHAR",
  started_at: "BIGINT",
  ended_at: "BIGINT",
  eval_score: "DOUBLE",
  attributes: "VARCHAR",
};

/** One staging line: cost as decimal text (read exactly into DECIMAL), attributes as JSON text. */
export function stagingLine(s: Span): string {
  const row: Record<string, unknown> = {};
  for (const c of EXPORT_COLUMNS) {
    if (c === "attributes") row[c] = JSON.stringify(s.attributes);
    else if (c === "cost_usd") row[c] = s.cost_usd === null ? null : String(s.cost_usd);
    else row[c] = s[c];
  }
  return `${JSON.stringify(row)}\n`;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Converts a staging file into Parquet (Snappy, which every reader supports). Timestamps become TIMESTAMP WITH TIME ZONE
 * (UTC, microseconds), cost DECIMAL(18, 12): warehouses read both as such.
 */
export async function stagingToParquet(staging: string, out: string): Promise<void> {
  const columns = EXPORT_COLUMNS.map((c) => `${c}: ${sqlString(c === "cost_usd" ? "VARCHAR" : TYPES[c])}`).join(", ");
  const select = EXPORT_COLUMNS.map((c) => {
    if (c === "started_at" || c === "ended_at") return `make_timestamptz(${c} * 1000) AS ${c}`;
    if (c === "cost_usd") return `CAST(cost_usd AS ${TYPES.cost_usd}) AS cost_usd`;
    return c;
  }).join(", ");
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const conn = await db.connect();
  try {
    await conn.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(staging)}, format = 'newline_delimited', columns = {${columns}}))
       TO ${sqlString(out)} (FORMAT parquet, COMPRESSION snappy)`,
    );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
