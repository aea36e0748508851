import type pg from "pg";
import { type FieldKind, SPAN_SCHEMA } from "../../schema/span.js";
import { COST_SCALE, COST_WIDTH } from "../../stats/cost.js";
import { ident, transaction } from "./connect.js";

/** The PostgreSQL column type of each kind of span field (schema/span.ts). */
export const PG_TYPES: Record<FieldKind, string> = {
  string: "TEXT",
  status: "TEXT",
  integer: "BIGINT",
  double: "DOUBLE PRECISION",
  decimal: `NUMERIC(${COST_WIDTH}, ${COST_SCALE})`,
  time: "BIGINT",
  attributes: "JSONB",
};

/** Rollup grains, coarsest first: a query uses whole days, then whole hours, then raw spans. */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const GRAINS = [DAY_MS, HOUR_MS] as const;

/**
 * Histogram bounds the rollup counts spans under (lb0.., qb0..): those of GET
 * /metrics/prometheus, so the exposition sums rollup rows instead of scanning every span.
 * Changing them needs a migration; until then exposition falls back to the spans.
 */
export const ROLLUP_LATENCY_LE = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000] as const;
export const ROLLUP_QUALITY_LE = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;
const leColumns = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i} BIGINT NOT NULL,`).join("\n    ");

/**
 * Versioned migrations, applied in order at start and recorded in tokentrace_migrations.
 * Never edit a released one: append a new version. The spans columns of the first one come
 * from SPAN_SCHEMA, which never reorders or drops a field (a new field gets its own migration).
 *
 * - spans: one typed column per span field (cost_usd NUMERIC so sums are exact decimals),
 *   attributes as JSONB, partitioned by day on started_at so retention drops whole tables.
 *   Partitions are created on demand by the writer (partitions.ts).
 * - rollup: per (grain, period start, model, provider, caller, status) counts and sums of
 *   LLM spans, so long windows read thousands of rows instead of millions of spans.
 * - rollup_hist: per (grain, period, model) log-bucket histograms (src/stats/sketch.ts bins)
 *   of latency (col 0), ttft (1) and eval score (2), with each bin's exact min and max: merged,
 *   they give the same percentiles as the sketch over raw spans.
 * - span_days: spans (LLM or not) per day partition, so counting them (GET /health) does not
 *   scan millions of rows.
 * Both rollups are partitioned by grain: a 30-day window scans the small day partition and
 * looks up at most two days of hours by index, instead of wading through every hour row.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE spans (
    ${SPAN_SCHEMA.map((f) => `${f.name} ${PG_TYPES[f.kind]}${f.nullable ? "" : " NOT NULL"}`).join(",\n    ")}
  ) PARTITION BY RANGE (started_at);
  CREATE INDEX spans_trace_id ON spans (trace_id);
  CREATE INDEX spans_started_at ON spans (started_at);
  CREATE TABLE rollup (
    grain BIGINT NOT NULL,
    t BIGINT NOT NULL,
    model TEXT NOT NULL,
    provider TEXT,
    caller TEXT,
    status TEXT NOT NULL,
    span_count BIGINT NOT NULL,
    cost_usd NUMERIC NOT NULL,
    unpriced_count BIGINT NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    comp_tokens BIGINT NOT NULL,
    total_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    latency_sum DOUBLE PRECISION NOT NULL,
    latency_max DOUBLE PRECISION NOT NULL,
    score_sum DOUBLE PRECISION NOT NULL,
    score_count BIGINT NOT NULL,
    ${leColumns("lb", ROLLUP_LATENCY_LE.length)}
    ${leColumns("qb", ROLLUP_QUALITY_LE.length)}
    UNIQUE NULLS NOT DISTINCT (grain, t, model, provider, caller, status)
  ) PARTITION BY LIST (grain);
  CREATE TABLE rollup_day PARTITION OF rollup FOR VALUES IN (${DAY_MS});
  CREATE TABLE rollup_hour PARTITION OF rollup FOR VALUES IN (${HOUR_MS});
  CREATE TABLE rollup_hist (
    grain BIGINT NOT NULL,
    t BIGINT NOT NULL,
    model TEXT NOT NULL,
    col SMALLINT NOT NULL,
    bin INTEGER NOT NULL,
    n BIGINT NOT NULL,
    lo DOUBLE PRECISION NOT NULL,
    hi DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (grain, t, model, col, bin)
  ) PARTITION BY LIST (grain);
  CREATE TABLE rollup_hist_day PARTITION OF rollup_hist FOR VALUES IN (${DAY_MS});
  CREATE TABLE rollup_hist_hour PARTITION OF rollup_hist FOR VALUES IN (${HOUR_MS});
  CREATE TABLE span_days (day BIGINT PRIMARY KEY, n BIGINT NOT NULL);
  CREATE TABLE alert_rules (name TEXT PRIMARY KEY, rule JSONB NOT NULL);
  CREATE TABLE alert_state (name TEXT PRIMARY KEY, state JSONB NOT NULL);`,
  // When the database committed each span, for the scheduled export (it follows arrival, so a
  // late span lands in a later file instead of being skipped). The database's clock, not a
  // server's: several servers on one database share it. Existing rows get the migration time.
  `ALTER TABLE spans ADD COLUMN ingested_at BIGINT NOT NULL
     DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  CREATE INDEX spans_ingested_at ON spans (ingested_at);`,
];

/** Advisory lock keys are per schema, so deployments sharing a database never block each other. */
export function lockKey(schema: string, purpose: string): string {
  return `tokentrace:${schema}:${purpose}`;
}

/**
 * Creates the schema and applies missing migrations, each in its own transaction under a
 * transaction-level advisory lock: instances starting together apply each version once
 * (the others wait, then find it recorded).
 */
export async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(schema, "migrate")]);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${ident(schema)}.tokentrace_migrations (
        version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const done = await c.query<{ version: number }>(`SELECT version FROM ${ident(schema)}.tokentrace_migrations`);
    const applied = new Set(done.rows.map((r) => r.version));
    for (let v = 1; v <= MIGRATIONS.length; v++) {
      if (applied.has(v)) continue;
      await c.query(MIGRATIONS[v - 1]);
      await c.query(`INSERT INTO ${ident(schema)}.tokentrace_migrations (version) VALUES ($1)`, [v]);
    }
  });
}
