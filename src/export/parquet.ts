import { DuckDBInstance } from "@duckdb/node-api";
import { SPAN_SCHEMA } from "../schema/span.js";
import type { Span } from "../span/types.js";
import { DUCKDB_TYPES } from "../store/duckdb/schema.js";

// Parquet needs its footer written last, so spans are staged a page at a time in a
// newline-delimited JSON file, then DuckDB's COPY turns it into Parquet. Both steps stream:
// memory stays at one page plus DuckDB's row groups, whatever the number of rows.

/** One staging line: cost as decimal text (read exactly into DECIMAL), attributes as JSON text. */
export function stagingLine(s: Span): string {
  const row: Record<string, unknown> = {};
  for (const { name, kind } of SPAN_SCHEMA) {
    const v = s[name];
    if (kind === "attributes") row[name] = JSON.stringify(v);
    else if (kind === "decimal") row[name] = v === null ? null : String(v);
    else row[name] = v;
  }
  return `${JSON.stringify(row)}\n`;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Converts a staging file into Parquet (Snappy, which every reader supports). Timestamps become TIMESTAMP WITH TIME ZONE
 * (UTC, microseconds), cost DECIMAL(18, 12): warehouses read both as such.
 */
export async function stagingToParquet(staging: string, out: string): Promise<void> {
  // Staged as the DuckDB store's column types (cost as text), then converted.
  const columns = SPAN_SCHEMA.map(
    (f) => `${f.name}: ${sqlString(f.kind === "decimal" ? "VARCHAR" : DUCKDB_TYPES[f.kind])}`,
  ).join(", ");
  const select = SPAN_SCHEMA.map(({ name, kind }) => {
    if (kind === "time") return `make_timestamptz(${name} * 1000) AS ${name}`;
    if (kind === "decimal") return `CAST(${name} AS ${DUCKDB_TYPES.decimal}) AS ${name}`;
    return name;
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
