import type { Message, OutputMessage, Part } from "../content/types.js";
import type { Span } from "../span/types.js";
import type { ContentSpan } from "./content.js";

/** One span as POST /spans accepts it (and as FileTransport writes it, one per line). */
export interface WireSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  /** Absent on a grouping span (no LLM call): POST /spans refuses those, OTLP takes them. */
  model?: string;
  provider?: string;
  prompt_tokens: number;
  comp_tokens: number;
  total_tokens: number;
  cached_tokens?: number;
  reasoning_tokens?: number;
  cost_usd?: number;
  latency_ms: number;
  ttft_ms?: number;
  status: string;
  caller?: string;
  started_at: string;
  ended_at: string;
  attributes: Record<string, string | number | boolean>;
  /** The trace's conversation and end user (tracer.trace options, setSession, setUser). */
  session_id?: string;
  user_id?: string;
  /** Captured content (createTracer({ captureContent })), in the GenAI shapes. */
  input?: Message[];
  output?: OutputMessage[];
  system?: Part[];
  tools?: unknown[];
}

let cachedSecond = Number.NaN;
let cachedPrefix = "";

/**
 * Epoch ms as RFC 3339 with milliseconds, like Date#toISOString; spans of a batch mostly
 * share their second, so that part is formatted once (toISOString dominated export cost).
 */
export function isoTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== cachedSecond) {
    const iso = new Date(sec * 1000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString(); // years past 9999 or before 0
    cachedSecond = sec;
    cachedPrefix = iso.slice(0, 20); // "2026-03-15T14:23:01."
  }
  const frac = Math.floor(ms - sec * 1000);
  return `${cachedPrefix}${frac < 10 ? "00" : frac < 100 ? "0" : ""}${frac}Z`;
}

/**
 * Renders an SDK span for POST /spans. Optional fields that are null are left out rather
 * than sent as null: an unpriced span then lets the server price it with its own table
 * and overrides (and store null when it cannot).
 *
 * @example JSON.stringify(spans.map(toWireSpan))
 */
export function toWireSpan(s: Span): WireSpan {
  const w: WireSpan = {
    trace_id: s.trace_id,
    span_id: s.span_id,
    parent_span_id: s.parent_span_id,
    name: s.name,
    ...(s.model !== null && { model: s.model }),
    prompt_tokens: s.prompt_tokens,
    comp_tokens: s.comp_tokens,
    total_tokens: s.total_tokens,
    latency_ms: s.latency_ms,
    status: s.status,
    started_at: isoTime(s.started_at),
    ended_at: isoTime(s.ended_at),
    attributes: s.attributes,
  };
  if (s.provider !== null) w.provider = s.provider;
  if (s.cached_tokens !== null) w.cached_tokens = s.cached_tokens;
  if (s.reasoning_tokens !== null) w.reasoning_tokens = s.reasoning_tokens;
  if (s.cost_usd !== null) w.cost_usd = s.cost_usd;
  if (s.ttft_ms !== null) w.ttft_ms = s.ttft_ms;
  if (s.caller !== null) w.caller = s.caller;
  if (s.session_id !== null) w.session_id = s.session_id;
  if (s.user_id !== null) w.user_id = s.user_id;
  const c = (s as ContentSpan).content;
  if (c !== undefined) {
    if (c.input !== null) w.input = c.input;
    if (c.output !== null) w.output = c.output;
    if (c.system !== null) w.system = c.system;
    if (c.tools !== null) w.tools = c.tools;
  }
  return w;
}

/** A batch as the JSON body of POST /spans. */
export function toWireBody(spans: readonly Span[]): string {
  return JSON.stringify(spans.map(toWireSpan));
}

/** A grouping span: no LLM call, so no model (POST /spans refuses it; OTLP takes it). */
export function isGroupSpan(s: { model?: string | null }): boolean {
  return s.model === null || s.model === undefined;
}
