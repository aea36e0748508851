import { expositionRow } from "../sql-rows.js";
import type { ExpositionQuery, ExpositionRow } from "../store.js";
import { Params } from "./filter.js";
import type { Query } from "./plan.js";
import { DAY_MS, ROLLUP_LATENCY_LE, ROLLUP_QUALITY_LE } from "./schema.js";

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The columns of one exposition: from the day rollup when the query's bounds are the ones it
 * counts under (every stored span is in exactly one day row, so the sums are exact), else by
 * scanning the spans.
 */
function source(q: ExpositionQuery, p: Params): string {
  if (same(q.latencyBucketsMs, ROLLUP_LATENCY_LE) && same(q.qualityBuckets, ROLLUP_QUALITY_LE)) {
    const le = [...q.latencyBucketsMs.map((_, i) => `lb${i}`), ...q.qualityBuckets.map((_, i) => `qb${i}`)];
    return `SELECT model, coalesce(provider, '') AS provider, coalesce(caller, '') AS caller,
        sum(span_count) AS span_count, coalesce(sum(span_count) FILTER (WHERE status <> 'ok'), 0) AS error_count,
        sum(cost_usd)::text AS cost_usd, sum(prompt_tokens) AS prompt_tokens, sum(comp_tokens) AS comp_tokens,
        sum(latency_sum) AS latency_sum, sum(score_count) AS quality_count, sum(score_sum) AS quality_sum
        ${le.map((c) => `, sum(${c}) AS ${c}`).join("")}
      FROM rollup WHERE grain = ${DAY_MS} GROUP BY 1, 2, 3`;
  }
  const lat = q.latencyBucketsMs.map((le, i) => `count(*) FILTER (WHERE latency_ms <= ${p.add(le)}::float8) AS lb${i}`);
  const qual = q.qualityBuckets.map((le, i) => `count(*) FILTER (WHERE eval_score <= ${p.add(le)}::float8) AS qb${i}`);
  return `SELECT model, coalesce(provider, '') AS provider, coalesce(caller, '') AS caller,
      count(*) AS span_count, count(*) FILTER (WHERE status <> 'ok') AS error_count,
      coalesce(sum(cost_usd), 0)::text AS cost_usd,
      coalesce(sum(prompt_tokens), 0) AS prompt_tokens, coalesce(sum(comp_tokens), 0) AS comp_tokens,
      coalesce(sum(latency_ms), 0) AS latency_sum,
      count(eval_score) AS quality_count, coalesce(sum(eval_score), 0) AS quality_sum
      ${[...lat, ...qual].map((c) => `, ${c}`).join("")}
    FROM spans WHERE model IS NOT NULL
    GROUP BY 1, 2, 3`;
}

/** The postgres driver's `exposition`: every stored LLM span per (model, provider, caller), cumulative buckets. */
export async function exposePg(db: Query, q: ExpositionQuery): Promise<ExpositionRow[]> {
  const p = new Params();
  const rows = await db(source(q, p), p.values);
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .map((r) => expositionRow(r, q))
    .sort((a, b) => text(a.model, b.model) || text(a.provider, b.provider) || text(a.caller, b.caller));
}
