import { ApiError } from "../errors.js";
import type { PriceInput } from "../pricing/types.js";
import { SPAN_LIMITS, spanTextProblem } from "../schema/span.js";
import { formatDuration } from "../util/duration.js";
import { AttrError, flattenAttributes } from "./attributes.js";
import { newId, normalizeSpanId, normalizeTraceId } from "./ids.js";
import { inferProvider } from "./provider.js";
import { MAX_EPOCH_MS, parseTimestamp } from "./time.js";
import type { Attributes, Span, SpanStatus } from "./types.js";

export interface NormalizeOptions {
  /** Receive time (epoch ms): the default ended_at. */
  now: number;
  /** Attribute promoted to eval_score (config quality.score_attribute, default "eval.score"). */
  qualityKey: string;
  /** Caller for spans that name none (config `service`). */
  defaultCaller?: string | null;
  /** Cost of a span that carries no cost_usd; null = unpriced. */
  price: (u: PriceInput) => number | null;
  /**
   * Accept spans without a model as non-LLM spans (OTLP): model, provider and cost_usd are
   * null and the token counts default to 0. POST /spans leaves this off: a model is required.
   */
  allowNoModel?: boolean;
  /**
   * Time bounds on started_at (config ingest.max_future and retention): a span starting more
   * than maxFutureMs after `now`, or more than retentionMs before it, is refused. Unset: no bound.
   */
  maxFutureMs?: number;
  retentionMs?: number;
}

/** Name of a span that has neither a name nor a model. */
const UNNAMED_SPAN = "(unnamed)";

/** Longest name / model / provider / caller accepted. */
export const MAX_STRING_LENGTH = 4096;
/** cost_usd is stored as DECIMAL(18, 12): it must stay below one million dollars. */
export const MAX_COST_USD = SPAN_LIMITS.maxCostUsd;
const { maxTokens } = SPAN_LIMITS;

type Raw = Record<string, unknown>;

function fail(i: number, field: string, message: string): never {
  throw new ApiError("invalid_span", `spans[${i}].${field}: ${message}`);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

/** An optional token count, an integer in [0, SPAN_LIMITS.maxTokens]: undefined/null → null. */
function optCount(r: Raw, f: string, i: number): number | null {
  const v = r[f];
  if (v === undefined || v === null) return null;
  if (!isCount(v)) fail(i, f, "must be an integer >= 0");
  if (v > maxTokens) fail(i, f, `must be at most ${maxTokens}`);
  return v;
}

/** An optional finite number >= 0: undefined/null → null. */
function optDuration(r: Raw, f: string, i: number): number | null {
  const v = r[f];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(i, f, "must be a number >= 0");
  return v;
}

/** An optional string: undefined/null/"" → null. */
function optString(r: Raw, f: string, i: number): string | null {
  const v = r[f];
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string") fail(i, f, "must be a string");
  if (v.length > MAX_STRING_LENGTH) fail(i, f, `longer than ${MAX_STRING_LENGTH} characters`);
  return v;
}

/** Longest session_id / user_id accepted. */
export const MAX_SESSION_USER_LENGTH = 256;

/**
 * The one length rule for a session_id or user_id, wherever it comes from (POST /spans
 * refuses the span, OTLP and the SDK drop the value): why it cannot be one, or null.
 *
 * @example identityProblem("") // "must be 1-256 characters"
 */
export function identityProblem(v: string): string | null {
  return v.length === 0 || v.length > MAX_SESSION_USER_LENGTH
    ? `must be 1-${MAX_SESSION_USER_LENGTH} characters`
    : null;
}

/** session_id / user_id: undefined/null → null; else a string of 1-256 characters. */
function optIdentity(r: Raw, f: string, i: number): string | null {
  const v = r[f];
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") fail(i, f, "must be a string");
  const problem = identityProblem(v);
  if (problem !== null) fail(i, f, problem);
  return v;
}

function optTime(r: Raw, f: string, i: number): number | null {
  const v = r[f];
  if (v === undefined || v === null) return null;
  const ms = parseTimestamp(v);
  if (ms === null) fail(i, f, "must be an RFC 3339 timestamp or epoch milliseconds");
  return ms;
}

function optId(r: Raw, f: string, i: number, norm: (s: string) => string | null, what: string): string | null {
  const v = r[f];
  if (v === undefined || v === null || v === "") return null;
  const id = typeof v === "string" ? norm(v) : null;
  if (id === null) fail(i, f, `must be ${what}`);
  return id;
}

function status(r: Raw, i: number): SpanStatus {
  const v = r.status;
  if (v === undefined || v === null || v === "ok") return "ok";
  if (v === "error" || v === "timeout") return v;
  return fail(i, "status", 'must be one of "ok", "error", "timeout"');
}

/** eval_score: the quality attribute when it is a finite number or a numeric string. */
function score(attrs: Attributes, key: string): number | null {
  if (!Object.hasOwn(attrs, key)) return null;
  const v = attrs[key];
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

/** Resolves prompt / completion / total so that total = prompt + completion. */
function tokens(r: Raw, i: number, required: boolean): [number, number, number] {
  const p = optCount(r, "prompt_tokens", i);
  const c = optCount(r, "comp_tokens", i);
  const t = optCount(r, "total_tokens", i);
  if (t === null) {
    if (p === null && c === null && required)
      fail(i, "prompt_tokens", "at least one of prompt_tokens, comp_tokens, total_tokens is required");
    const sum = (p ?? 0) + (c ?? 0);
    if (sum > maxTokens) fail(i, "total_tokens", `prompt_tokens + comp_tokens (${sum}) must be at most ${maxTokens}`);
    return [p ?? 0, c ?? 0, sum];
  }
  if (p === null && c === null) return [0, 0, t];
  // One side missing: it is whatever the total leaves.
  const prompt = p ?? t - (c as number);
  const comp = c ?? t - prompt;
  if (prompt < 0 || comp < 0 || prompt + comp !== t) {
    fail(i, "total_tokens", `must equal prompt_tokens + comp_tokens (${p ?? "?"} + ${c ?? "?"}), got ${t}`);
  }
  return [prompt, comp, t];
}

/** The span's model; null (a non-LLM span) only when absent and allowNoModel is set. */
function modelOf(r: Raw, i: number, o: NormalizeOptions): string | null {
  const model = r.model;
  if ((model === undefined || model === null) && o.allowNoModel) return null;
  if (typeof model !== "string" || model.trim() === "") fail(i, "model", "is required and must be a non-empty string");
  if (model.length > MAX_STRING_LENGTH) fail(i, "model", `longer than ${MAX_STRING_LENGTH} characters`);
  return model;
}

/** A given cost_usd; the caller prices the span when it has none (undefined). */
function givenCost(r: Raw, i: number): number | null {
  const v = r.cost_usd;
  if (v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v >= MAX_COST_USD) {
    fail(i, "cost_usd", `must be a number >= 0 and < ${MAX_COST_USD}, or null`);
  }
  return v;
}

/** A cost the price table computed must fit the cost column like a given one. */
function checkComputedCost(cost: number | null, i: number): number | null {
  if (cost === null || (Number.isFinite(cost) && cost >= 0 && cost < MAX_COST_USD)) return cost;
  return fail(
    i,
    "cost_usd",
    `computed from the tokens and the model's price it is ${cost} USD; the cost column holds less than ${MAX_COST_USD}`,
  );
}

/** Refuses a start outside [now - retention, now + max_future]; `field` is the one the client gave. */
function checkBounds(started: number, field: string, i: number, o: NormalizeOptions): void {
  if (o.maxFutureMs !== undefined && started > o.now + o.maxFutureMs) {
    fail(i, field, `more than ingest.max_future (${formatDuration(o.maxFutureMs)}) ahead of the server's clock`);
  }
  if (o.retentionMs !== undefined && started < o.now - o.retentionMs) {
    fail(i, field, `older than the retention (${formatDuration(o.retentionMs)}) by the server's clock`);
  }
}

function normalizeOne(r: Raw, i: number, o: NormalizeOptions): Span {
  const model = modelOf(r, i, o);
  const [prompt, comp, total] = tokens(r, i, model !== null);
  const cached = optCount(r, "cached_tokens", i);
  if (cached !== null && cached > prompt) fail(i, "cached_tokens", `must not exceed prompt_tokens (${prompt})`);
  const reasoning = optCount(r, "reasoning_tokens", i);
  if (reasoning !== null && reasoning > comp) fail(i, "reasoning_tokens", `must not exceed comp_tokens (${comp})`);

  let started = optTime(r, "started_at", i);
  let ended = optTime(r, "ended_at", i);
  let latency = optDuration(r, "latency_ms", i);
  if (started !== null && ended !== null && ended < started) fail(i, "ended_at", "must not be before started_at");
  if (ended === null) ended = started !== null && latency !== null ? started + latency : Math.max(o.now, started ?? 0);
  if (latency === null) latency = started !== null ? ended - started : 0;
  if (started === null) started = Math.max(0, ended - latency);
  started = Math.trunc(started);
  ended = Math.trunc(ended);
  if (ended > MAX_EPOCH_MS) fail(i, "latency_ms", "puts ended_at past year 9999");
  checkBounds(started, r.started_at === undefined || r.started_at === null ? "ended_at" : "started_at", i, o);

  const provider = model === null ? null : (optString(r, "provider", i) ?? inferProvider(model));
  let costUsd: number | null = null;
  if (model !== null) {
    // The price input is built only when needed: most batches carry their own cost.
    costUsd =
      r.cost_usd === undefined
        ? checkComputedCost(
            o.price({
              model,
              provider,
              prompt_tokens: prompt,
              comp_tokens: comp,
              cached_tokens: cached,
              reasoning_tokens: reasoning,
              at: started,
            } satisfies PriceInput),
            i,
          )
        : givenCost(r, i);
  }

  let attributes: Attributes;
  try {
    attributes = flattenAttributes(r.attributes);
  } catch (e) {
    if (e instanceof AttrError) fail(i, e.field, e.message);
    throw e;
  }

  const traceId = optId(r, "trace_id", i, normalizeTraceId, "a UUID or 32 hex digits");
  const spanId = optId(r, "span_id", i, normalizeSpanId, "a UUID or 16 or 32 hex digits");
  const span: Span = {
    trace_id: traceId ?? newId(),
    span_id: spanId ?? newId(),
    parent_span_id: optId(r, "parent_span_id", i, normalizeSpanId, "a UUID or 16 or 32 hex digits, or null"),
    name: optString(r, "name", i) ?? model ?? UNNAMED_SPAN,
    model,
    provider,
    prompt_tokens: prompt,
    comp_tokens: comp,
    total_tokens: total,
    cached_tokens: cached,
    reasoning_tokens: reasoning,
    cost_usd: costUsd,
    latency_ms: latency,
    ttft_ms: optDuration(r, "ttft_ms", i),
    status: status(r, i),
    caller: optString(r, "caller", i) ?? o.defaultCaller ?? null,
    started_at: started,
    ended_at: ended,
    eval_score: score(attributes, o.qualityKey),
    attributes,
    session_id: optIdentity(r, "session_id", i),
    user_id: optIdentity(r, "user_id", i),
  };
  const bad = spanTextProblem(span);
  if (bad !== null) fail(i, bad[0], bad[1]);
  return span;
}

/**
 * Validates and normalises the body of POST /spans (one span object or an array of
 * them) per PRODUCT.md section 2. All or nothing: the first bad span throws
 * ApiError("invalid_span") whose message names the index and the field, e.g.
 * "spans[2].prompt_tokens: must be an integer >= 0". Unknown top-level fields are ignored.
 *
 * @example parseSpans({ model: "gpt-4o", prompt_tokens: 10 }, { now: Date.now(), qualityKey: "eval.score", price: () => null })
 */
export function parseSpans(body: unknown, opts: NormalizeOptions): Span[] {
  if (Array.isArray(body)) {
    const out: Span[] = new Array(body.length);
    for (let i = 0; i < body.length; i++) out[i] = parseSpan(body[i], i, opts);
    return out;
  }
  if (typeof body === "object" && body !== null) return [normalizeOne(body as Raw, 0, opts)];
  throw new ApiError("invalid_span", "body must be a span object or an array of span objects");
}

/** Normalises one span; `index` is used in error messages. */
export function parseSpan(raw: unknown, index: number, opts: NormalizeOptions): Span {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ApiError("invalid_span", `spans[${index}]: must be a span object`);
  }
  return normalizeOne(raw as Raw, index, opts);
}
