import { AsyncLocalStorage } from "node:async_hooks";
import { checkRedactRules, type RedactRule } from "../config/redact-rules.js";
import { createRedactor, type RedactHook, type Redactor } from "../content/redact.js";
import type { ContentFields, Message, OutputMessage, Part } from "../content/types.js";
import { wellFormedText } from "../schema/span.js";
import type { Span } from "../span/types.js";

/** A span the SDK emits, with the content captured for it (sent as input/output/system/tools). */
export type ContentSpan = Span & { content?: ContentFields };

/** `captureContent` of createTracer: true, or options. */
export type CaptureContentOption = boolean | { maxChars?: number };

/** SDK redaction: preset names, `{ pattern, replacement }` rules, and functions `(text) => text`. */
export type SdkRedactRule = RedactRule | RedactHook;

/** Longest string kept per message part by default; longer is cut with a marker. */
export const DEFAULT_MAX_CHARS = 16_384;

/** How a tracer captures content; null = off. */
export interface CaptureSettings {
  readonly maxChars: number;
  readonly redactor: Redactor;
}

/**
 * Compiles the tracer's content options. Bad redact rules throw at createTracer, where the
 * developer sees them, rather than silently sending unredacted text later.
 */
export function captureSettings(
  capture: CaptureContentOption | undefined,
  redact: readonly SdkRedactRule[] | undefined,
): { settings: CaptureSettings; on: boolean } {
  const rules = (redact ?? []).filter((r): r is RedactRule => typeof r !== "function");
  const hooks = (redact ?? []).filter((r): r is RedactHook => typeof r === "function");
  try {
    checkRedactRules(rules);
  } catch (e) {
    throw new Error(`createTracer: redact${(e as Error).message}`);
  }
  const hook: RedactHook | undefined =
    hooks.length === 0 ? undefined : (text) => hooks.reduce((t, h) => (typeof t === "string" ? h(t) : t), text);
  const max = typeof capture === "object" && capture !== null ? capture.maxChars : undefined;
  const maxChars = typeof max === "number" && max > 0 ? Math.floor(max) : DEFAULT_MAX_CHARS;
  return {
    settings: { maxChars, redactor: createRedactor(rules, hook) },
    on: capture !== undefined && capture !== false,
  };
}

const override = new AsyncLocalStorage<boolean>();

/**
 * Turns content capture on or off for the calls made inside fn, whatever the tracer says.
 *
 * @example await withContentCapture(false, () => openai.chat.completions.create(body)) // never captured
 */
export function withContentCapture<T>(capture: boolean, fn: () => T): T {
  return override.run(capture, fn);
}

/** Whether the call starting now captures content: the innermost override, else the tracer's setting. */
export function capturing(tracerDefault: boolean): boolean {
  return override.getStore() ?? tracerDefault;
}

function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let n = max;
  if ((s.charCodeAt(n - 1) & 0xfc00) === 0xd800) n--; // never split a surrogate pair
  return `${s.slice(0, n)}…[truncated ${s.length - n} chars]`;
}

// Also makes every string well-formed (NUL and lone surrogates → U+FFFD), which the server requires.
function cutStrings(v: unknown, max: number): unknown {
  if (typeof v === "string") return cut(wellFormedText(v), max);
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, max));
  if (typeof v === "object" && v !== null) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[wellFormedText(k)] = cutStrings((v as Record<string, unknown>)[k], max);
    return o;
  }
  return v;
}

/** Cuts long strings, then redacts: what the span sends, and how many redactions were made. */
export function finishContent(
  fields: ContentFields,
  s: CaptureSettings,
): { fields: ContentFields; redactions: number } {
  const cutFields = cutStrings(fields, s.maxChars) as ContentFields;
  if (s.redactor.empty) return { fields: cutFields, redactions: 0 };
  const r = s.redactor.value(cutFields);
  return { fields: r.value, redactions: r.count };
}

/** Text part. */
export const text = (content: string): Part => ({ type: "text", content });

/** A JSON object (or array) read from a provider payload. */
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Parses a JSON arguments string (as OpenAI sends them); keeps the text when it is not JSON. */
export function jsonArgs(v: unknown): unknown {
  if (typeof v !== "string") return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const FINISH: Record<string, string> = {
  tool_calls: "tool_call",
  function_call: "tool_call",
  tool_use: "tool_call",
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  refusal: "content_filter",
};

/** A provider's finish/stop reason in the GenAI vocabulary (stop, length, content_filter, tool_call, error). */
export function finishReason(v: unknown): string | undefined {
  return typeof v === "string" ? (FINISH[v] ?? v) : undefined;
}

/** One assistant output message. */
export function outputMessage(parts: Part[], finish?: string): OutputMessage {
  const m: OutputMessage = { role: "assistant", parts };
  if (finish !== undefined) m.finish_reason = finish;
  return m;
}

export type { ContentFields, Message, OutputMessage, Part };
