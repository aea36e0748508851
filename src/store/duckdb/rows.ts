import type { Attributes, Span, SpanStatus } from "../../span/types.js";

/** cost_usd is DECIMAL(18, 12): scaled integers with 12 fractional digits. */
export const COST_WIDTH = 18;
export const COST_SCALE = 12;

/**
 * The exact decimal a JS number denotes, scaled by 10^12 (half-up past 12 places).
 * Goes through the shortest decimal string so 0.00448 is 4480000000, not the
 * nearest binary double times 10^12.
 *
 * @example costToScaled(0.00448) // 4480000000n
 */
export function costToScaled(n: number): bigint {
  let s = String(n);
  if (/e/i.test(s)) s = n.toFixed(20);
  const neg = s.startsWith("-");
  if (neg) s = s.slice(1);
  const [int, frac = ""] = s.split(".");
  let scaled = BigInt(int + frac.slice(0, COST_SCALE).padEnd(COST_SCALE, "0"));
  if (frac.length > COST_SCALE && frac.charCodeAt(COST_SCALE) >= 53 /* '5' */) scaled += 1n;
  return neg ? -scaled : scaled;
}

/** A stored row (plain JS values) back into a Span. */
export function rowToSpan(r: Record<string, unknown>): Span {
  return {
    trace_id: r.trace_id as string,
    span_id: r.span_id as string,
    parent_span_id: (r.parent_span_id as string | null) ?? null,
    name: r.name as string,
    model: (r.model as string | null) ?? null,
    provider: (r.provider as string | null) ?? null,
    prompt_tokens: r.prompt_tokens as number,
    comp_tokens: r.comp_tokens as number,
    total_tokens: r.total_tokens as number,
    cached_tokens: (r.cached_tokens as number | null) ?? null,
    reasoning_tokens: (r.reasoning_tokens as number | null) ?? null,
    cost_usd: (r.cost_usd as number | null) ?? null,
    latency_ms: r.latency_ms as number,
    ttft_ms: (r.ttft_ms as number | null) ?? null,
    status: r.status as SpanStatus,
    caller: (r.caller as string | null) ?? null,
    started_at: r.started_at as number,
    ended_at: r.ended_at as number,
    eval_score: (r.eval_score as number | null) ?? null,
    attributes: JSON.parse(r.attributes as string) as Attributes,
  };
}

/** Column list for SELECTs that feed rowToSpan. */
export const SPAN_SELECT =
  "trace_id, span_id, parent_span_id, name, model, provider, prompt_tokens, comp_tokens, total_tokens, " +
  "cached_tokens, reasoning_tokens, cost_usd, latency_ms, ttft_ms, status, caller, started_at, ended_at, " +
  "eval_score, attributes";
