import type { ExpositionQuery, ExpositionRow, SummaryQuery, SummaryRow } from "../store.js";

/** Runs SQL with positional parameters ($1, $2, ...) and returns plain JS rows. */
export interface SqlRunner {
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

// Placeholder until the metrics work lands: the duckdb driver's aggregation SQL.
export async function summarizeDuckdb(_db: SqlRunner, _q: SummaryQuery): Promise<SummaryRow[]> {
  throw new Error("summarizeDuckdb: not implemented yet");
}

export async function exposeDuckdb(_db: SqlRunner, _q: ExpositionQuery): Promise<ExpositionRow[]> {
  throw new Error("exposeDuckdb: not implemented yet");
}
