import { type ApiSpan, toApiSpan } from "../span/api.js";
import { rootOf } from "../span/root.js";
import type { Span } from "../span/types.js";

/** A trace as GET /traces/{id} and each entry of GET /traces serve it. */
export interface ApiTrace {
  trace_id: string;
  name: string;
  started_at: string;
  ended_at: string;
  /** Exact decimal sum of priced spans; null when no span of the trace has a price. */
  total_cost_usd: number | null;
  total_tokens: number;
  span_count: number;
  spans: ApiSpan[];
}

// cost_usd is DECIMAL(18, 12) in the store: summing in integer picodollars is exact.
const SCALE = 12;

function toUnits(usd: number): bigint {
  const [whole, frac = ""] = usd.toFixed(SCALE).split(".");
  return BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(frac.padEnd(SCALE, "0"));
}

function fromUnits(units: bigint): number {
  const s = units.toString().padStart(SCALE + 1, "0");
  return Number(`${s.slice(0, -SCALE)}.${s.slice(-SCALE)}`);
}

/**
 * Sums USD amounts without float drift (0.1 + 0.2 is 0.3 here), null when every value is null.
 *
 * @example sumUsd([0.1, 0.2, null]) // 0.3
 */
export function sumUsd(values: Iterable<number | null>): number | null {
  let total = 0n;
  let priced = false;
  for (const v of values) {
    if (v === null) continue;
    total += toUnits(v);
    priced = true;
  }
  return priced ? fromUnits(total) : null;
}

/**
 * Renders the spans of one trace (non-empty) in the seed page's shape; spans in started_at order.
 *
 * @example renderTrace(await store.getTrace(id)).total_cost_usd
 */
export function renderTrace(spans: Span[]): ApiTrace {
  const ordered = [...spans].sort((a, b) => a.started_at - b.started_at);
  let started = ordered[0].started_at;
  let ended = ordered[0].ended_at;
  let tokens = 0;
  for (const s of ordered) {
    if (s.started_at < started) started = s.started_at;
    if (s.ended_at > ended) ended = s.ended_at;
    tokens += s.total_tokens;
  }
  return {
    trace_id: ordered[0].trace_id,
    name: rootOf(ordered).name,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(ended).toISOString(),
    total_cost_usd: sumUsd(ordered.map((s) => s.cost_usd)),
    total_tokens: tokens,
    span_count: ordered.length,
    spans: ordered.map(toApiSpan),
  };
}
