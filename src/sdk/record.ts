import type { PriceInput } from "../pricing/types.js";
import { SPAN_LIMITS, scrubSpanText } from "../schema/span.js";
import { ATTR_LIMITS } from "../span/attributes.js";
import { MAX_COST_USD, MAX_STRING_LENGTH } from "../span/normalize.js";
import { inferProvider } from "../span/provider.js";
import { type Attributes, nonLlmSpan, type Span, type SpanStatus } from "../span/types.js";
import { mergeAttributes } from "./attributes.js";
import type { CaptureSettings } from "./content.js";
import type { ActiveContext } from "./context.js";
import { type TraceIdentity, withIdentity } from "./identity.js";
import type { ScoreInput } from "./score.js";
import type { LLMCall } from "./types.js";

/** What span building needs from a tracer; the client wrappers see only this. */
export interface RecorderCore {
  readonly enabled: boolean;
  readonly service: string | null;
  readonly scoreAttribute: string;
  price(input: PriceInput): number | null;
  emit(span: Span): void;
  /** Sends a score (trace.score()); absent on a core that records nothing. */
  score?(score: ScoreInput): void;
  /** Reports a session or user id dropped as invalid (rate-limited warning); absent: silently. */
  refuseId?(reason: string): void;
  /** Content capture: whether calls capture by default, and how (cut, redaction). */
  readonly captureByDefault?: boolean;
  readonly capture?: CaptureSettings;
}

/** When the work happened: wall-clock start plus a monotonic duration. */
export interface Timing {
  startedAt: number; // epoch ms
  latencyMs: number;
}

// Counts past the server's bound are clamped to it (see SPAN_LIMITS).
function count(v: number | null | undefined): number | null {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return null;
  return Math.min(Math.round(v), SPAN_LIMITS.maxTokens);
}

const validCost = (c: unknown): c is number =>
  typeof c === "number" && Number.isFinite(c) && c >= 0 && c < MAX_COST_USD;

// POST /spans rejects longer names and models; the SDK cuts them instead.
function clip(s: string): string {
  return s.length > MAX_STRING_LENGTH ? s.slice(0, MAX_STRING_LENGTH) : s;
}

function ms(v: number): number {
  return v > 0 && Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0;
}

function priceOf(core: RecorderCore, call: LLMCall, input: PriceInput): number | null {
  if (call.cost_usd !== undefined) return validCost(call.cost_usd) ? call.cost_usd : null;
  try {
    const c = core.price(input);
    return validCost(c) ? c : null;
  } catch {
    return null;
  }
}

/**
 * Builds a normalised span from one LLM call, forced into what POST /spans accepts
 * (counts are non-negative integers, total = prompt + comp, cached <= prompt,
 * reasoning <= comp) so a batch is never rejected because of one span.
 */
export function buildSpan(
  core: RecorderCore,
  ctx: ActiveContext | undefined,
  call: LLMCall,
  ids: { traceId: string; spanId: string; parentSpanId: string | null; name: string | null },
  timing: Timing,
  status: SpanStatus,
  /** Attributes the SDK itself sets (known keys and values): added without sanitising. */
  own?: Attributes,
): Span {
  const model = typeof call.model === "string" && call.model !== "" ? clip(call.model) : "unknown";
  let prompt = count(call.prompt_tokens);
  const comp = count(call.comp_tokens) ?? 0;
  const total = count(call.total_tokens);
  if (prompt === null) prompt = total !== null && total > comp ? total - comp : 0;
  prompt = Math.min(prompt, SPAN_LIMITS.maxTokens - comp); // so the total stays within the bound
  const cachedIn = count(call.cached_tokens);
  const cached = cachedIn === null ? null : Math.min(cachedIn, prompt);
  const writesIn = count(call.cache_write_tokens);
  const reasoningIn = count(call.reasoning_tokens);
  const reasoning = reasoningIn === null ? null : Math.min(reasoningIn, comp);
  const provider = call.provider ?? inferProvider(model);

  const attributes: Attributes = ctx === undefined ? {} : Object.assign({}, ctx.attributes());
  if (call.attributes !== undefined) mergeAttributes(attributes, call.attributes);
  if (own !== undefined) addOwn(attributes, own);
  if (writesIn !== null && writesIn > 0) addOwn(attributes, { "usage.cache_write_tokens": writesIn });

  const latency = ms(call.latency_ms ?? timing.latencyMs);
  const startedAt = count(call.started_at) ?? timing.startedAt;
  const endedAt = count(call.ended_at) ?? startedAt + Math.round(latency);
  const score = attributes[core.scoreAttribute];
  const cost = priceOf(core, call, {
    model,
    provider,
    prompt_tokens: prompt,
    comp_tokens: comp,
    cached_tokens: cached,
    cache_write_tokens: writesIn,
    reasoning_tokens: reasoning,
    at: startedAt,
  });
  const span = scrubSpanText({
    trace_id: ids.traceId,
    span_id: ids.spanId,
    parent_span_id: ids.parentSpanId,
    name: clip(call.name ?? ids.name ?? model),
    model,
    provider,
    prompt_tokens: prompt,
    comp_tokens: comp,
    total_tokens: prompt + comp,
    cached_tokens: cached,
    reasoning_tokens: reasoning,
    cost_usd: cost,
    latency_ms: latency,
    ttft_ms: call.ttft_ms == null ? null : ms(call.ttft_ms),
    status,
    caller: core.service,
    started_at: startedAt,
    ended_at: endedAt,
    eval_score: typeof score === "number" ? score : null,
    session_id: null,
    user_id: null,
    attributes,
  });
  return withIdentity(span, ctx?.identity);
}

/** A span without LLM data (a trace or span that groups calls); see nonLlmSpan. */
export function buildGroupSpan(
  core: RecorderCore,
  attributes: Attributes,
  ids: { traceId: string; spanId: string; parentSpanId: string | null; name: string },
  timing: Timing,
  status: SpanStatus,
  identity?: TraceIdentity,
): Span {
  const latency = ms(timing.latencyMs);
  const span = scrubSpanText(
    nonLlmSpan({
      trace_id: ids.traceId,
      span_id: ids.spanId,
      parent_span_id: ids.parentSpanId,
      name: clip(ids.name),
      latency_ms: latency,
      status,
      caller: core.service,
      started_at: timing.startedAt,
      ended_at: timing.startedAt + Math.round(latency),
      attributes: { ...attributes },
    }),
  );
  return withIdentity(span, identity);
}

// The SDK's own keys still count against the server's attribute limit.
function addOwn(out: Attributes, own: Attributes): void {
  let n = -1;
  for (const k in own) {
    if (!Object.hasOwn(out, k)) {
      if (n === -1) n = Object.keys(out).length;
      if (n >= ATTR_LIMITS.maxKeys) continue;
      n++;
    }
    out[k] = own[k];
  }
}

const ABORT_NAMES = new Set(["AbortError", "TimeoutError", "APIUserAbortError", "APIConnectionTimeoutError"]);

/** Status for a thrown error: `timeout` for aborts and timeouts, else `error`. */
export function statusOfError(err: unknown): SpanStatus {
  if (typeof err !== "object" || err === null) return "error";
  const name = (err as { name?: unknown }).name;
  const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
  const code = (err as { code?: unknown }).code;
  if (typeof name === "string" && ABORT_NAMES.has(name)) return "timeout";
  if (typeof ctor === "string" && ABORT_NAMES.has(ctor)) return "timeout";
  if (code === "ABORT_ERR" || code === "ETIMEDOUT" || code === "UND_ERR_HEADERS_TIMEOUT") return "timeout";
  return "error";
}
