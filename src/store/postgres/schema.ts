import type { FieldKind } from "../../schema/span.js";
import { COST_SCALE, COST_WIDTH } from "../../stats/cost.js";

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
export const leColumns = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i} BIGINT NOT NULL,`).join("\n    ");

/** Advisory lock keys are per schema, so deployments sharing a database never block each other. */
export function lockKey(schema: string, purpose: string): string {
  return `tokentrace:${schema}:${purpose}`;
}
