import type { SpanStatus } from "../../span/types.js";

/**
 * Prometheus histogram bounds the rollups count spans under (lb0.., qb0..), so the
 * exposition sums rollup rows instead of scanning spans. The seed page shows le="100",
 * "500", "1000". Changing them changes ROLLUP_VERSION (a rebuild).
 */
export const LATENCY_LE: readonly number[] = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];
export const QUALITY_LE: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** Bumped whenever the rollup definition changes: stores rebuild rollups made by another one. */
export const ROLLUP_VERSION = 1;

/** The key of one rollup row: bucket start at a resolution, and the dimensions spans share. */
export interface RollupKey {
  res: number;
  bucket: number;
  model: string;
  provider: string | null;
  caller: string | null;
  status: SpanStatus;
  /** Declared attribute dimensions of the spans as a JSON object of strings ("{}" when none). */
  dims: string;
}

/**
 * One stored figure of a rollup row: how a single span contributes (as SQL over a span row,
 * the same expression in DuckDB and PostgreSQL) and how two rows merge.
 * `cost` is an exact decimal; `int` counts; `float` sums of measurements.
 */
export interface RollupField {
  name: string;
  type: "int" | "float" | "cost";
  merge: "sum" | "max";
  span: string;
}

const flag = (cond: string) => `CASE WHEN ${cond} THEN 1 ELSE 0 END`;

/** Every figure of a rollup row, in table order. */
export const ROLLUP_FIELDS: readonly RollupField[] = [
  { name: "span_count", type: "int", merge: "sum", span: "1" },
  { name: "error_count", type: "int", merge: "sum", span: flag("status <> 'ok'") },
  { name: "timeout_count", type: "int", merge: "sum", span: flag("status = 'timeout'") },
  { name: "unpriced_count", type: "int", merge: "sum", span: flag("cost_usd IS NULL") },
  { name: "prompt_tokens", type: "int", merge: "sum", span: "prompt_tokens" },
  { name: "comp_tokens", type: "int", merge: "sum", span: "comp_tokens" },
  { name: "total_tokens", type: "int", merge: "sum", span: "total_tokens" },
  { name: "cached_tokens", type: "int", merge: "sum", span: "coalesce(cached_tokens, 0)" },
  { name: "reasoning_tokens", type: "int", merge: "sum", span: "coalesce(reasoning_tokens, 0)" },
  { name: "scored_count", type: "int", merge: "sum", span: flag("eval_score IS NOT NULL") },
  { name: "cost_usd", type: "cost", merge: "sum", span: "coalesce(cost_usd, 0)" },
  { name: "latency_sum", type: "float", merge: "sum", span: "latency_ms" },
  { name: "latency_max", type: "float", merge: "max", span: "latency_ms" },
  { name: "quality_sum", type: "float", merge: "sum", span: "coalesce(eval_score, 0)" },
  ...LATENCY_LE.map(
    (le, i): RollupField => ({
      name: `lb${i}`,
      type: "int",
      merge: "sum",
      span: flag(`latency_ms <= ${le}`),
    }),
  ),
  ...QUALITY_LE.map(
    (le, i): RollupField => ({
      name: `qb${i}`,
      type: "int",
      merge: "sum",
      span: flag(`eval_score <= ${le}`),
    }),
  ),
];

/** Sketch columns (rollup_bins.col): which span value a bin counts. */
export const SKETCH_COLUMNS = ["latency_ms", "ttft_ms", "eval_score"] as const;

/** SQL merging rollup rows (or span rows, through the fields' span expressions) per group. */
export function mergeSql(source: "rollup" | "spans", costType: string): string {
  return ROLLUP_FIELDS.map((f) => {
    const v = source === "rollup" ? f.name : f.span;
    if (f.type === "cost") return `CAST(coalesce(sum(${v}), 0) AS ${costType}) AS ${f.name}`;
    if (f.merge === "max") return `max(${v}) AS ${f.name}`;
    return `coalesce(sum(${v}), 0)${f.type === "int" ? "::BIGINT" : "::DOUBLE PRECISION"} AS ${f.name}`;
  }).join(",\n      ");
}
