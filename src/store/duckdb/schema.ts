/**
 * DuckDB schema. Typed columns for every span field; eval_score promoted from the quality
 * attribute; attributes kept as JSON text (DuckDB MAP columns leak native memory on append).
 * cost_usd is DECIMAL so sums are exact decimals, not drifting floats.
 * Timestamps are BIGINT epoch milliseconds.
 */
export const SPAN_COLUMNS = [
  "trace_id",
  "span_id",
  "parent_span_id",
  "name",
  "model",
  "provider",
  "prompt_tokens",
  "comp_tokens",
  "total_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "cost_usd",
  "latency_ms",
  "ttft_ms",
  "status",
  "caller",
  "started_at",
  "ended_at",
  "eval_score",
  "attributes",
] as const;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS spans (
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  parent_span_id VARCHAR,
  name VARCHAR NOT NULL,
  model VARCHAR,
  provider VARCHAR,
  prompt_tokens BIGINT NOT NULL,
  comp_tokens BIGINT NOT NULL,
  total_tokens BIGINT NOT NULL,
  cached_tokens BIGINT,
  reasoning_tokens BIGINT,
  cost_usd DECIMAL(18, 12),
  latency_ms DOUBLE NOT NULL,
  ttft_ms DOUBLE,
  status VARCHAR NOT NULL,
  caller VARCHAR,
  started_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  eval_score DOUBLE,
  attributes VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS spans_trace_id ON spans (trace_id);
CREATE TABLE IF NOT EXISTS alert_rules (name VARCHAR PRIMARY KEY, rule VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS alert_state (name VARCHAR PRIMARY KEY, state VARCHAR NOT NULL);
`;
