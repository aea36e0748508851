import { clipAttributes } from "./attrs.js";
import { isContentKey } from "./content.js";
import {
  CACHE_READ_KEYS,
  CACHE_WRITE_KEYS,
  COMPLETION_KEYS,
  COST_KEYS,
  MODEL_KEYS,
  OPENINFERENCE_LLM_KINDS,
  PROMPT_KEYS,
  PROVIDER_ALIASES,
  PROVIDER_KEYS,
  REASONING_KEYS,
  TOTAL_KEYS,
  TTFT_KEYS,
  VERCEL_WRAPPER_OPERATIONS,
} from "./conventions.js";
import { identityOf } from "./identity.js";
import type { OtlpSpan, OtlpValue } from "./read.js";

/** A span the mapping refuses; the request goes on and reports it in partialSuccess. */
export class SpanRejection extends Error {}

/** One OTLP span in the shape POST /spans accepts, ready for the span module's parseSpan. */
export interface MappedSpan {
  /** POST /spans fields; `model` is absent when the span is not an LLM call. */
  input: Record<string, unknown>;
  llm: boolean;
  /** Cache-creation input tokens: no span column, but the pricer charges them. */
  cacheWrite: number | null;
}

type Attrs = Record<string, OtlpValue>;

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const ZEROS = /^0+$/;
const TIMEOUT = /time(d)?[ _-]?out/i;

function reject(message: string): never {
  throw new SpanRejection(message);
}

function pickString(a: Attrs, keys: readonly string[]): [string, string] | null {
  for (const k of keys) {
    const v = a[k];
    if (typeof v === "string" && v.trim() !== "") return [k, v.trim()];
  }
  return null;
}

/** First key present must hold a count: an integer >= 0, as a number or a decimal string. */
function pickCount(a: Attrs, keys: readonly string[]): [string, number] | null {
  for (const k of keys) {
    const v = a[k];
    if (v === undefined) continue;
    const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) reject(`attribute ${k}: must be an integer >= 0`);
    return [k, n];
  }
  return null;
}

function pickNumber(a: Attrs, keys: readonly string[]): [string, number] | null {
  for (const k of keys) {
    const v = a[k];
    if (v === undefined) continue;
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) reject(`attribute ${k}: must be a number >= 0`);
    return [k, n];
  }
  return null;
}

function provider(key: string, value: string): string {
  let p = value.toLowerCase();
  if (key === "ai.model.provider") p = p.split(".")[0];
  return PROVIDER_ALIASES[p] ?? p;
}

/** Is this an LLM call, judged by its model and by what its instrumentation says it is? */
function isLlmCall(a: Attrs): boolean {
  const op = a["ai.operationId"];
  if (typeof op === "string" && VERCEL_WRAPPER_OPERATIONS.has(op)) return false;
  const kind = a["openinference.span.kind"];
  if (typeof kind === "string" && !OPENINFERENCE_LLM_KINDS.has(kind.toUpperCase())) return false;
  return true;
}

/** Writes trace_id, span_id, parent_span_id, started_at, ended_at and latency_ms into `out`. */
function idsAndTimes(s: OtlpSpan, out: Record<string, unknown>): void {
  if (!HEX32.test(s.traceId) || ZEROS.test(s.traceId)) reject("traceId must be 16 bytes (32 hex digits), not all zero");
  if (!HEX16.test(s.spanId) || ZEROS.test(s.spanId)) reject("spanId must be 8 bytes (16 hex digits), not all zero");
  const parent = s.parentSpanId;
  if (parent !== "" && !HEX16.test(parent)) reject("parentSpanId must be empty or 8 bytes (16 hex digits)");
  const start = s.startTimeUnixNano;
  const end = s.endTimeUnixNano;
  if (start <= 0n) reject("startTimeUnixNano is missing");
  if (end <= 0n) reject("endTimeUnixNano is missing");
  if (end < start) reject("endTimeUnixNano is before startTimeUnixNano");
  out.trace_id = s.traceId;
  out.span_id = s.spanId;
  out.parent_span_id = parent === "" || ZEROS.test(parent) ? null : parent;
  out.started_at = Number(start / 1_000_000n);
  out.ended_at = Number(end / 1_000_000n);
  // from the nanoseconds, so a sub-millisecond call is not rounded to 0
  out.latency_ms = Number(end - start) / 1e6;
}

function caller(resource: Attrs): string | undefined {
  const name = resource["service.name"];
  // The SDKs' fallback "unknown_service[:process]" means no service name was configured.
  if (typeof name !== "string" || name === "" || name.startsWith("unknown_service")) return undefined;
  return name;
}

function status(s: OtlpSpan): "ok" | "error" | "timeout" {
  if (s.statusCode !== 2) return "ok";
  const type = s.attributes["error.type"];
  if ((typeof type === "string" && TIMEOUT.test(type)) || TIMEOUT.test(s.statusMessage)) return "timeout";
  return "error";
}

/**
 * Maps one OTLP span onto the POST /spans input, following the precedence tables in
 * conventions.ts. Attributes that became a field are removed; every other attribute is kept.
 * Throws SpanRejection for ids, times or usage attributes that cannot be right.
 */
export function mapSpan(s: OtlpSpan): MappedSpan {
  const a = s.attributes;
  const input: Record<string, unknown> = {};
  idsAndTimes(s, input);
  input.status = status(s);
  input.caller = caller(s.resource);
  if (s.name !== "") input.name = s.name;
  const extra: Attrs = {};
  if (s.scopeName !== "") extra["otel.scope.name"] = s.scopeName;
  if (s.statusMessage !== "") extra["otel.status_description"] = s.statusMessage;

  const model = pickString(a, MODEL_KEYS);
  // Prompts and completions are content, stored apart (content.ts), never span attributes;
  // the keys that became session_id and user_id are left out too.
  const skip = new Set(Object.keys(a).filter(isContentKey));
  // Every span of a conversation carries its session and user, LLM call or not.
  Object.assign(input, identityOf(a, s.resource, skip));
  if (model === null || !isLlmCall(a)) {
    input.attributes = clipAttributes([extra, a], skip);
    return { input, llm: false, cacheWrite: null };
  }

  const used = new Set<string>([model[0], ...skip]);
  const take = <T>(hit: [string, T] | null): T | null => {
    if (hit === null) return null;
    used.add(hit[0]);
    return hit[1];
  };
  input.model = model[1];
  const prov = pickString(a, PROVIDER_KEYS);
  // The Vercel AI SDK repeats ai.model.provider ("openai.chat") in gen_ai.system: read it the same way.
  const viaAiSdk = prov !== null && a["ai.model.provider"] === prov[1];
  if (prov !== null) input.provider = provider(viaAiSdk ? "ai.model.provider" : prov[0], take(prov) as string);

  let prompt = take(pickCount(a, PROMPT_KEYS));
  let comp = take(pickCount(a, COMPLETION_KEYS));
  const total = pickCount(a, TOTAL_KEYS);
  let cacheWrite: number | null = null;
  if (prompt === null && comp === null) {
    // a total alone, or a call that failed before any usage came back
    if (total !== null) input.total_tokens = take(total);
    else [input.prompt_tokens, input.comp_tokens] = [0, 0];
  } else {
    const cached = take(pickCount(a, CACHE_READ_KEYS));
    const reasoning = take(pickCount(a, REASONING_KEYS));
    // no span column holds cache writes: the attribute stays, the pricer still charges them
    cacheWrite = pickCount(a, CACHE_WRITE_KEYS)?.[1] ?? null;
    // tokentrace counts cache reads/writes inside prompt_tokens and reasoning inside
    // comp_tokens, as the GenAI conventions do. Counts that cannot be inside (Anthropic-style
    // exclusive reporting) are added on top.
    const cache = (cached ?? 0) + (cacheWrite ?? 0);
    if (prompt !== null && cache > prompt) prompt += cache;
    if (comp !== null && (reasoning ?? 0) > comp) comp += reasoning ?? 0;
    input.prompt_tokens = prompt ?? cache;
    input.comp_tokens = comp ?? reasoning ?? 0;
    if (cached !== null) input.cached_tokens = cached;
    if (reasoning !== null) input.reasoning_tokens = reasoning;
    // a reported total that disagrees stays visible as an attribute rather than failing the span
    if (total !== null && total[1] === (input.prompt_tokens as number) + (input.comp_tokens as number))
      used.add(total[0]);
  }
  const cost = take(pickNumber(a, COST_KEYS));
  if (cost !== null) input.cost_usd = cost;
  for (const [key, toMs] of TTFT_KEYS) {
    const ttft = take(pickNumber(a, [key]));
    if (ttft !== null) {
      input.ttft_ms = ttft * toMs;
      break;
    }
  }

  input.attributes = clipAttributes([extra, a], used);
  return { input, llm: true, cacheWrite };
}
