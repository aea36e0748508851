import { ROLLUP_FIELDS } from "../rollup/fields.js";

/** Rollup sums of costs: wide enough for a year of spans at DECIMAL(18, 12) each. */
export const ROLLUP_COST_TYPE = "DECIMAL(38, 12)";

const SQL_TYPES = { int: "BIGINT", float: "DOUBLE", cost: ROLLUP_COST_TYPE } as const;

/**
 * Rollup tables (see src/store/rollup and docs/storage.md):
 * - rollup: one row per (resolution, bucket start, model, provider, caller, status, declared
 *   dimensions) with the ROLLUP_FIELDS figures. Each insert appends its own rows in the
 *   spans' transaction; rows of one key are merged later by compaction, and every read
 *   merges them anyway, so uncompacted rows are only slower, never wrong.
 * - rollup_bins: the same keys, per sketch column (0 latency, 1 ttft, 2 eval score), the
 *   log-bucket histogram (src/metrics/sketch.ts bins) with each bin's exact min and max.
 * - rollup_bins_by: rollup_bins merged per bucket and one key (rollup-project.ts): key "" (no
 *   key), model, provider, caller, status or attr.NAME of a declared dimension, and its value.
 * - rollup_named: per hour and declared dimension, the values that keep their name.
 * - rollup_state: the definition version, declared dimensions and rebuild progress.
 */
export const ROLLUP_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS rollup (
  res BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  model VARCHAR NOT NULL,
  provider VARCHAR,
  caller VARCHAR,
  status VARCHAR NOT NULL,
  dims VARCHAR NOT NULL,
  ${ROLLUP_FIELDS.map((f) => `${f.name} ${SQL_TYPES[f.type]} NOT NULL`).join(",\n  ")}
);
CREATE TABLE IF NOT EXISTS rollup_bins (
  res BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  model VARCHAR NOT NULL,
  provider VARCHAR,
  caller VARCHAR,
  status VARCHAR NOT NULL,
  dims VARCHAR NOT NULL,
  col TINYINT NOT NULL,
  bin INTEGER NOT NULL,
  n BIGINT NOT NULL,
  lo DOUBLE NOT NULL,
  hi DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS rollup_bins_by (
  res BIGINT NOT NULL,
  bucket BIGINT NOT NULL,
  key VARCHAR NOT NULL,
  value VARCHAR,
  col TINYINT NOT NULL,
  bin INTEGER NOT NULL,
  n BIGINT NOT NULL,
  lo DOUBLE NOT NULL,
  hi DOUBLE NOT NULL
);
-- Buckets whose rollup_bins_by lags rollup_bins (late spans), until the worker re-projects them.
CREATE TABLE IF NOT EXISTS rollup_stale (res BIGINT NOT NULL, bucket BIGINT NOT NULL);
-- The values of each declared dimension named in each UTC hour (the rest fold into "(other)").
CREATE TABLE IF NOT EXISTS rollup_named (h BIGINT NOT NULL, dim VARCHAR NOT NULL, val VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS rollup_state (k VARCHAR PRIMARY KEY, v VARCHAR NOT NULL);
`;
