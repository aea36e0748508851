import type pg from "pg";
import { FIRST_FIELDS, LATER_FIELDS } from "../../schema/span.js";
import { ident, transaction } from "./connect.js";
import { rollupInserts } from "./insert.js";
import { DAY_MS, HOUR_MS, leColumns, lockKey, PG_TYPES, ROLLUP_LATENCY_LE, ROLLUP_QUALITY_LE } from "./schema.js";

/**
 * Versioned migrations, applied in order at start and recorded in tokentrace_migrations.
 * Never edit a released one: append a new version. The spans columns of the first one are
 * SPAN_SCHEMA's first fields; each field marked `later` is added by its own migration.
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
 * - scores (version 4): scores of traces and spans, one row per score id.
 * - spans.session_id, spans.user_id (version 5), with partial indexes.
 * Both rollups are partitioned by grain: a 30-day window scans the small day partition and
 * looks up at most two days of hours by index, instead of wading through every hour row.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE spans (
    ${FIRST_FIELDS.map((f) => `${f.name} ${PG_TYPES[f.kind]}${f.nullable ? "" : " NOT NULL"}`).join(",\n    ")}
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
  identityMigration(),
  // Scores (POST /scores): a table of their own, replaced by id; read per trace, or by time
  // and name; retention deletes by created_at. No link to spans: a score may come first.
  `CREATE TABLE scores (
    score_id TEXT PRIMARY KEY,
    trace_id TEXT NOT NULL,
    span_id TEXT,
    name TEXT NOT NULL,
    value_num DOUBLE PRECISION,
    value_bool BOOLEAN,
    label TEXT,
    comment TEXT,
    source TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX scores_trace_id ON scores (trace_id, created_at);
  CREATE INDEX scores_created_at ON scores (created_at);
  CREATE INDEX scores_name ON scores (name, created_at);`,
  // session_id and user_id on spans (nullable: older rows have neither). A session is read
  // by its id, a user's spans by theirs; most spans of some apps carry neither, so the
  // indexes leave nulls out.
  `${LATER_FIELDS.map((f) => `ALTER TABLE spans ADD COLUMN ${f.name} ${PG_TYPES[f.kind]};`).join("\n  ")}
  CREATE INDEX spans_session_id ON spans (session_id, started_at) WHERE session_id IS NOT NULL;
  CREATE INDEX spans_user_id ON spans (user_id, started_at) WHERE user_id IS NOT NULL;`,
];

/**
 * Migration 3, exactly once by span identity: a span is stored once per (trace_id, span_id,
 * started_at) (a unique index on a partitioned table must hold the partition key). Copies
 * stored before it (retried requests) are removed, keeping one, and when there were any the
 * rollups and day counts are recomputed from the spans left. The unique index also serves
 * trace lookups, so it replaces spans_trace_id.
 */
function identityMigration(): string {
  const { rollup, hist } = rollupInserts("spans");
  return `DO $migration$
  DECLARE removed bigint;
  BEGIN
    DELETE FROM spans a USING spans b
      WHERE a.trace_id = b.trace_id AND a.span_id = b.span_id AND a.started_at = b.started_at
        AND a.tableoid = b.tableoid AND a.ctid > b.ctid;
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF removed > 0 THEN
      DELETE FROM rollup;
      DELETE FROM rollup_hist;
      DELETE FROM span_days;
      ${rollup};
      ${hist};
      INSERT INTO span_days (day, n)
        SELECT floor(started_at / ${DAY_MS}::numeric)::bigint, count(*) FROM spans GROUP BY 1;
    END IF;
  END $migration$;
  CREATE UNIQUE INDEX spans_identity ON spans (trace_id, span_id, started_at);
  DROP INDEX spans_trace_id;`;
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
