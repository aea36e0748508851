import type { Span } from "../../span/types.js";
import { fromPico, toPico } from "../../stats/cost.js";
import { quantileSorted, sortedCopy } from "../../stats/percentile.js";
import { DEFAULT_EXACT_LIMIT, sketchQuantiles } from "../../stats/sketch.js";
import { NONE_GROUP, OTHER } from "../rollup/dimensions.js";
import type { ExpositionQuery, ExpositionRow, GroupBy, SpanFilter, SummaryQuery, SummaryRow } from "../store.js";
import { spanMatches } from "./match.js";

/** Group name for spans that lack the group-by column or attribute. */
export { NONE_GROUP };

/**
 * Declared dimensions as the rollups see them: `dimsOf` gives a span's folded values
 * ("(other)" past the per-hour cap, see DimensionFolder); group-by and filters on a declared
 * key use them, undeclared keys read the attributes.
 */
export interface DimensionView {
  names: readonly string[];
  dimsOf(s: Span): Record<string, string>;
}

function attrOf(s: Span, key: string, view: DimensionView | undefined): string | undefined {
  if (view?.names.includes(key)) return view.dimsOf(s)[key];
  return Object.hasOwn(s.attributes, key) ? String(s.attributes[key]) : undefined;
}

function matchesDims(s: Span, f: SpanFilter, view: DimensionView | undefined): boolean {
  if (!spanMatches(s, { ...f, attrs: undefined })) return false;
  for (const [key, want] of Object.entries(f.attrs ?? {})) if (attrOf(s, key, view) !== want) return false;
  return true;
}

function groupOf(s: Span, g: GroupBy, view: DimensionView | undefined): string {
  const v = ("column" in g ? s[g.column] : attrOf(s, g.attr, view)) ?? NONE_GROUP;
  return g.keep === undefined || g.keep.includes(v) ? v : OTHER;
}

interface Acc {
  group: string | null;
  bucket: number | null;
  count: number;
  pico: bigint;
  unpriced: number;
  prompt: number;
  comp: number;
  total: number;
  cached: number;
  reasoning: number;
  errors: number;
  timeouts: number;
  latencies: number[];
  maxLatency: number;
  ttfts: number[];
  scores: number[];
}

function newAcc(group: string | null, bucket: number | null): Acc {
  return {
    group,
    bucket,
    count: 0,
    pico: 0n,
    unpriced: 0,
    prompt: 0,
    comp: 0,
    total: 0,
    cached: 0,
    reasoning: 0,
    errors: 0,
    timeouts: 0,
    latencies: [],
    maxLatency: Number.NEGATIVE_INFINITY,
    ttfts: [],
    scores: [],
  };
}

function add(a: Acc, s: Span): void {
  a.count++;
  if (s.cost_usd === null) a.unpriced++;
  else a.pico += toPico(s.cost_usd);
  a.prompt += s.prompt_tokens;
  a.comp += s.comp_tokens;
  a.total += s.total_tokens;
  a.cached += s.cached_tokens ?? 0;
  a.reasoning += s.reasoning_tokens ?? 0;
  // A timeout is a failed call too: error_count covers both, timeout_count is the subset.
  if (s.status !== "ok") a.errors++;
  if (s.status === "timeout") a.timeouts++;
  a.latencies.push(s.latency_ms);
  if (s.latency_ms > a.maxLatency) a.maxLatency = s.latency_ms;
  if (s.ttft_ms !== null) a.ttfts.push(s.ttft_ms);
  if (s.eval_score !== null) a.scores.push(s.eval_score);
}

function mean(values: number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function toRow(a: Acc, q: SummaryQuery, sketch: boolean): SummaryRow {
  const latency = q.stats?.includes("latency") ?? true;
  const quality = q.stats?.includes("quality") ?? true;
  const pct = (on: boolean, values: number[], qs: number[]): (number | null)[] => {
    if (!on) return qs.map(() => null);
    if (sketch) return sketchQuantiles(values, qs);
    const sorted = sortedCopy(values);
    return qs.map((x) => quantileSorted(sorted, x));
  };
  const [p50, p95, p99] = pct(latency, a.latencies, [0.5, 0.95, 0.99]);
  const [t50, t95] = pct(latency, a.ttfts, [0.5, 0.95]);
  const [q10] = pct(quality, a.scores, [0.1]);
  return {
    group: a.group,
    bucket: a.bucket,
    span_count: a.count,
    cost_usd: fromPico(a.pico),
    unpriced_count: a.unpriced,
    prompt_tokens: a.prompt,
    comp_tokens: a.comp,
    total_tokens: a.total,
    cached_tokens: a.cached,
    reasoning_tokens: a.reasoning,
    error_count: a.errors,
    timeout_count: a.timeouts,
    latency_p50: p50,
    latency_p95: p95,
    latency_p99: p99,
    latency_avg: mean(a.latencies),
    latency_max: a.latencies.length === 0 ? null : a.maxLatency,
    ttft_p50: t50,
    ttft_p95: t95,
    quality_avg: mean(a.scores),
    quality_p10: q10,
    scored_count: a.scores.length,
  };
}

/**
 * The memory driver's `summarize`: LLM spans (model not null) with started_at in [from, to)
 * that pass the filter, aggregated per group and/or per bucket (from + k*stepMs).
 * Rows come ordered by bucket, then group. Without groupBy or stepMs there is always one row.
 */
export function summarizeSpans(spans: Iterable<Span>, q: SummaryQuery, view?: DimensionView): SummaryRow[] {
  const accs = new Map<string, Acc>();
  for (const s of spans) {
    if (s.model === null || s.started_at < q.from || s.started_at >= q.to || !matchesDims(s, q.filter, view)) continue;
    const group = q.groupBy ? groupOf(s, q.groupBy, view) : null;
    const bucket = q.stepMs ? q.from + Math.floor((s.started_at - q.from) / q.stepMs) * q.stepMs : null;
    const key = `${bucket}\u0000${group}`;
    let a = accs.get(key);
    if (a === undefined) {
      a = newAcc(group, bucket);
      accs.set(key, a);
    }
    add(a, s);
  }
  if (accs.size === 0 && !q.groupBy && !q.stepMs) return [toRow(newAcc(null, null), q, false)];
  // Exact percentiles sort the values; when any row is past the limit the whole query uses
  // log histograms instead (the rule every driver follows, see SummaryQuery.exactLimit).
  const limit = q.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const sketch = [...accs.values()].some((a) => a.count > limit);
  return [...accs.values()]
    .sort((x, y) => (x.bucket ?? 0) - (y.bucket ?? 0) || compareText(x.group, y.group))
    .map((a) => toRow(a, q, sketch));
}

function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  return (a ?? "") < (b ?? "") ? -1 : 1;
}

/** The memory driver's `exposition`: every stored LLM span, per (model, provider, caller). */
export function exposeSpans(spans: Iterable<Span>, q: ExpositionQuery): ExpositionRow[] {
  const rows = new Map<string, ExpositionRow & { pico: bigint }>();
  for (const s of spans) {
    if (s.model === null) continue;
    const provider = s.provider ?? "";
    const caller = s.caller ?? "";
    const key = JSON.stringify([s.model, provider, caller]);
    let r = rows.get(key);
    if (r === undefined) {
      r = {
        model: s.model,
        provider,
        caller,
        span_count: 0,
        error_count: 0,
        cost_usd: 0,
        pico: 0n,
        prompt_tokens: 0,
        comp_tokens: 0,
        latency_sum: 0,
        latency_buckets: q.latencyBucketsMs.map(() => 0),
        quality_count: 0,
        quality_sum: 0,
        quality_buckets: q.qualityBuckets.map(() => 0),
      };
      rows.set(key, r);
    }
    r.span_count++;
    if (s.status !== "ok") r.error_count++;
    if (s.cost_usd !== null) r.pico += toPico(s.cost_usd);
    r.prompt_tokens += s.prompt_tokens;
    r.comp_tokens += s.comp_tokens;
    r.latency_sum += s.latency_ms;
    q.latencyBucketsMs.forEach((le, i) => {
      if (s.latency_ms <= le) r.latency_buckets[i]++;
    });
    if (s.eval_score !== null) {
      const score = s.eval_score;
      r.quality_count++;
      r.quality_sum += score;
      q.qualityBuckets.forEach((le, i) => {
        if (score <= le) r.quality_buckets[i]++;
      });
    }
  }
  return [...rows.values()]
    .map(({ pico, ...row }) => ({ ...row, cost_usd: fromPico(pico) }))
    .sort(
      (a, b) => compareText(a.model, b.model) || compareText(a.provider, b.provider) || compareText(a.caller, b.caller),
    );
}
