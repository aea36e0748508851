import { FIRST_FIELDS, type FieldKind, LATER_FIELDS } from "../../schema/span.js";
import { COST_SCALE, COST_WIDTH } from "../../stats/cost.js";

/** The DuckDB column type of each kind of span field (schema/span.ts). */
export const DUCKDB_TYPES: Record<FieldKind, string> = {
  string: "VARCHAR",
  status: "VARCHAR",
  integer: "BIGINT",
  double: "DOUBLE",
  // exact decimals, so sums do not drift
  decimal: `DECIMAL(${COST_WIDTH}, ${COST_SCALE})`,
  // epoch milliseconds
  time: "BIGINT",
  // JSON text: DuckDB MAP columns leak native memory on append
  attributes: "VARCHAR",
};

const spanColumns = FIRST_FIELDS.map((f) => `  ${f.name} ${DUCKDB_TYPES[f.kind]}${f.nullable ? "" : " NOT NULL"},`);
// Later fields are all nullable: rows written before them hold null.
const laterColumns = LATER_FIELDS.map(
  (f) => `ALTER TABLE spans ADD COLUMN IF NOT EXISTS ${f.name} ${DUCKDB_TYPES[f.kind]};`,
);

/**
 * DuckDB schema. A typed column for every span field of the first release, in SPAN_SCHEMA
 * order; then attr_bloom, which the driver derives from attributes (an INSERT may leave it to
 * its default), ingested_at, the commit time the appender stamps on each batch, id_hash, and
 * the span fields added later (session_id, user_id), in the order they were added.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS spans (
${spanColumns.join("\n")}
  -- Bloom filter of the attribute pairs (see bloom.ts); -1 (all bits) when a writer
  -- does not compute it, which keeps attribute filters exact, just without the speed-up.
  attr_bloom BIGINT NOT NULL DEFAULT -1
);
-- When the store committed the span (epoch ms), for the scheduled export: it follows arrival,
-- so late spans are never skipped. Added after attr_bloom so files from before it still open;
-- their rows count as committed at ended_at.
ALTER TABLE spans ADD COLUMN IF NOT EXISTS ingested_at BIGINT;
UPDATE spans SET ingested_at = ended_at WHERE ingested_at IS NULL;
-- A 64-bit hash of (trace_id, span_id) (span-ids.ts), so the worker loads the ids of every
-- stored span at start by reading numbers. Rows from before it are filled in at start.
ALTER TABLE spans ADD COLUMN IF NOT EXISTS id_hash BIGINT;
${laterColumns.join("\n")}
CREATE INDEX IF NOT EXISTS spans_trace_id ON spans (trace_id);
-- One row per span attribute: hash of (key, value as string) and the span's started_at.
-- "h = ?" is pushed into the scan, so finding a rare value (a request_id) scans 4-byte
-- integers instead of every span's JSON; the spans are then fetched by started_at.
-- The driver's insert fills it (see bloom.ts): spans written around it are invisible to
-- rare-value attribute search.
CREATE TABLE IF NOT EXISTS span_attrs (h INTEGER NOT NULL, started_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS alert_rules (name VARCHAR PRIMARY KEY, rule VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS alert_state (name VARCHAR PRIMARY KEY, state VARCHAR NOT NULL);
`;
