import { SPAN_SCHEMA } from "../../schema/span.js";
import { SPAN_FIELDS, type Span } from "../../span/types.js";
import { BIN_OFFSET, SKETCH_K } from "../../stats/sketch.js";
import { DAY_MS, GRAINS, PG_TYPES, ROLLUP_LATENCY_LE, ROLLUP_QUALITY_LE } from "./schema.js";

/** SQL computing the sketch bin of a float8 expression (binOf in src/stats/sketch.ts). */
export function pgBin(col: string): string {
  const k = `${SKETCH_K}::float8`;
  return `CASE WHEN ${col} > 0 THEN ${BIN_OFFSET} + ceil(ln(${col}) * ${k})::integer
    WHEN ${col} < 0 THEN -(${BIN_OFFSET} + ceil(ln(-${col}) * ${k})::integer) ELSE 0 END`;
}

// Per-bound counts for the exposition histograms (lb0.., qb0..), see ROLLUP_LATENCY_LE.
const LE: [string, string, readonly number[]][] = [
  ["lb", "latency_ms", ROLLUP_LATENCY_LE],
  ["qb", "eval_score", ROLLUP_QUALITY_LE],
];
export const leNames = LE.flatMap(([p, , bounds]) => bounds.map((_, i) => `${p}${i}`));
const leCounts = LE.flatMap(([, col, bounds]) => bounds.map((b) => `count(*) FILTER (WHERE ${col} <= ${b})`));

/** Start of the grain period holding started_at (floor, also for times before 1970). */
const period = (grain: string) => `(started_at - ((started_at % ${grain}) + ${grain}) % ${grain})`;

const grainValues = (grains: readonly number[]) =>
  `(VALUES ${grains.map((g) => `(${Math.trunc(g)}::bigint)`).join(", ")}) g(grain)`;

/**
 * Aggregates of the LLM spans of `source` (a relation with the spans columns) into rollup and
 * rollup_hist rows, as two INSERT ... SELECT ... ON CONFLICT statements that add to the rows
 * already there. Rows are sorted by key so concurrent writers lock them in the same order.
 */
export function rollupInserts(source: string, grains: readonly number[] = GRAINS): { rollup: string; hist: string } {
  const t = period("g.grain");
  const grainSql = grainValues(grains);
  const rollup = `INSERT INTO rollup AS r (grain, t, model, provider, caller, status, span_count, cost_usd,
      unpriced_count, prompt_tokens, comp_tokens, total_tokens, cached_tokens, reasoning_tokens,
      latency_sum, latency_max, score_sum, score_count, ${leNames.join(", ")})
    SELECT g.grain, ${t}, model, provider, caller, status, count(*), coalesce(sum(cost_usd), 0),
      count(*) - count(cost_usd), sum(prompt_tokens), sum(comp_tokens), sum(total_tokens),
      coalesce(sum(cached_tokens), 0), coalesce(sum(reasoning_tokens), 0),
      sum(latency_ms), max(latency_ms), coalesce(sum(eval_score), 0), count(eval_score), ${leCounts.join(", ")}
    FROM ${source} s CROSS JOIN ${grainSql}
    WHERE model IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (grain, t, model, provider, caller, status) DO UPDATE SET
      span_count = r.span_count + excluded.span_count,
      cost_usd = r.cost_usd + excluded.cost_usd,
      unpriced_count = r.unpriced_count + excluded.unpriced_count,
      prompt_tokens = r.prompt_tokens + excluded.prompt_tokens,
      comp_tokens = r.comp_tokens + excluded.comp_tokens,
      total_tokens = r.total_tokens + excluded.total_tokens,
      cached_tokens = r.cached_tokens + excluded.cached_tokens,
      reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
      latency_sum = r.latency_sum + excluded.latency_sum,
      latency_max = greatest(r.latency_max, excluded.latency_max),
      score_sum = r.score_sum + excluded.score_sum,
      score_count = r.score_count + excluded.score_count,
      ${leNames.map((c) => `${c} = r.${c} + excluded.${c}`).join(", ")}`;
  const hist = `INSERT INTO rollup_hist AS h (grain, t, model, col, bin, n, lo, hi)
    SELECT g.grain, ${t}, model, c.col, ${pgBin("c.v")}, count(*), min(c.v), max(c.v)
    FROM ${source} s CROSS JOIN ${grainSql}
    CROSS JOIN LATERAL (VALUES (0::smallint, s.latency_ms), (1::smallint, s.ttft_ms), (2::smallint, s.eval_score)) c(col, v)
    WHERE model IS NOT NULL AND c.v IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (grain, t, model, col, bin) DO UPDATE SET
      n = h.n + excluded.n, lo = least(h.lo, excluded.lo), hi = greatest(h.hi, excluded.hi)`;
  return { rollup, hist };
}

/**
 * One statement inserting every span (one array parameter per column, so a batch of any
 * size is one round trip) and adding them to the rollups: all of it commits or none does.
 * A span already stored (same trace_id, span_id and started_at), or earlier in the batch, is
 * skipped by the unique index spans_identity, and only inserted rows reach the rollups. Rows
 * go in key order, so two servers inserting the same spans wait on each other instead of
 * deadlocking; the second finds them stored.
 */
export function insertStatement(spans: readonly Span[]): { text: string; values: unknown[] } {
  const values = SPAN_SCHEMA.map(({ name, kind }) =>
    spans.map((s) => {
      const v = s[name];
      if (kind === "attributes") return JSON.stringify(v);
      // The shortest decimal text of the double: 0.00448 is stored as exactly 0.00448.
      if (kind === "decimal") return v === null ? null : String(v);
      return v;
    }),
  );
  const cols = SPAN_FIELDS.join(", ");
  // One array parameter per column, in table order, each cast to its column's type.
  const unnest = SPAN_SCHEMA.map((f, i) => `$${i + 1}::${PG_TYPES[f.kind]}[]`).join(", ");
  const { rollup, hist } = rollupInserts("ins");
  const text = `WITH ins AS (
      INSERT INTO spans (${cols}) SELECT * FROM unnest(${unnest}) AS u(${cols})
      ORDER BY trace_id, span_id, started_at
      ON CONFLICT (trace_id, span_id, started_at) DO NOTHING RETURNING *
    ), r AS (${rollup} RETURNING 1), h AS (${hist} RETURNING 1), d AS (
      INSERT INTO span_days AS d (day, n)
      SELECT floor(started_at / ${DAY_MS}::numeric)::bigint, count(*) FROM ins GROUP BY 1 ORDER BY 1
      ON CONFLICT (day) DO UPDATE SET n = d.n + excluded.n RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins) AS n`;
  return { text, values };
}
