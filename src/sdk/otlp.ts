import type { WireSpan } from "./wire.js";

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

function anyValue(v: string | number | boolean): AnyValue {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function nanos(iso: string): bigint {
  return BigInt(Date.parse(iso)) * 1_000_000n;
}

/** The OTLP/JSON form of one span; the trace id loses its dashes (16 bytes as 32 hex digits). */
function otlpSpan(w: WireSpan) {
  const start = nanos(w.started_at);
  // the duration as measured (sub-millisecond), not the difference of two rounded times
  const end = start + BigInt(Math.round(w.latency_ms * 1e6));
  const status = w.status === "ok" ? { code: 1 } : { code: 2, ...(w.status === "timeout" && { message: "timeout" }) };
  // the keys the server reads first for session_id and user_id (src/otlp/conventions.ts)
  const attributes = {
    ...w.attributes,
    ...(w.session_id !== undefined && { "gen_ai.conversation.id": w.session_id }),
    ...(w.user_id !== undefined && { "user.id": w.user_id }),
  };
  return {
    traceId: w.trace_id.replaceAll("-", ""),
    spanId: w.span_id,
    ...(w.parent_span_id !== null && { parentSpanId: w.parent_span_id }),
    name: w.name,
    kind: 1, // SPAN_KIND_INTERNAL
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(end),
    attributes: Object.entries(attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
    status,
  };
}

/**
 * A POST /v1/traces (OTLP/JSON) body for spans that carry no LLM call: the grouping spans
 * (a trace or span around calls), which POST /spans cannot take because it requires a model.
 * The caller goes in the resource's service.name, where the server reads it.
 *
 * @example await fetch(`${url}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: toOtlpBody(groups) })
 */
export function toOtlpBody(spans: readonly WireSpan[]): string {
  const byCaller = new Map<string | undefined, WireSpan[]>();
  for (const s of spans) {
    const list = byCaller.get(s.caller);
    if (list === undefined) byCaller.set(s.caller, [s]);
    else list.push(s);
  }
  const resourceSpans = [...byCaller].map(([caller, list]) => ({
    resource: {
      attributes: caller === undefined ? [] : [{ key: "service.name", value: { stringValue: caller } }],
    },
    scopeSpans: [{ spans: list.map(otlpSpan) }],
  }));
  return JSON.stringify({ resourceSpans });
}
