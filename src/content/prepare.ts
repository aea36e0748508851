import type { Span } from "../span/types.js";
import { capContent } from "./cap.js";
import { contentJson, contentJsonBytes, contentJsonFits, rowFromJson } from "./json.js";
import { createRedactor, type Redactor } from "./redact.js";
import type { ContentConfig, ContentFields, SpanContent } from "./types.js";

/** Span attributes that tell what happened to a span's content. */
const REDACTIONS_ATTR = "content.redactions";
const TRUNCATED_ATTR = "content.truncated_bytes";

/** The server's content settings, compiled once. */
export interface ContentPolicy {
  readonly enabled: boolean;
  readonly maxBytes: number;
  readonly redactor: Redactor;
}

export function contentPolicy(c: ContentConfig): ContentPolicy {
  return { enabled: c.enabled, maxBytes: c.max_bytes, redactor: createRedactor(c.redact) };
}

/**
 * Redacts, then caps, one span's content and returns the row to store; null when content
 * is off. The span's attributes get `content.redactions` (added to what the SDK already
 * counted) and `content.truncated_bytes` when something was cut. Redaction runs first so a
 * secret cannot survive by straddling the cut.
 */
export function prepareContent(span: Span, fields: ContentFields, policy: ContentPolicy): SpanContent | null {
  if (!policy.enabled) return null;
  const redacted = policy.redactor.empty ? { value: fields, count: 0 } : policy.redactor.value(fields);
  const texts = contentJson(redacted.value);
  const { fields: capped, truncated } = contentJsonFits(texts, policy.maxBytes)
    ? { fields: redacted.value, truncated: 0 }
    : capContent(redacted.value, policy.maxBytes, contentJsonBytes(texts));
  const before = span.attributes[REDACTIONS_ATTR];
  const sdkCount = typeof before === "number" && Number.isSafeInteger(before) && before > 0 ? before : 0;
  const redactions = sdkCount + redacted.count;
  if (redactions > 0) span.attributes[REDACTIONS_ATTR] = redactions;
  if (truncated > 0) span.attributes[TRUNCATED_ATTR] = truncated;
  const meta = {
    trace_id: span.trace_id,
    span_id: span.span_id,
    started_at: span.started_at,
    redactions,
    truncated_bytes: truncated,
  };
  // The store writes these texts as they are: content is stringified once per span.
  return truncated === 0 ? rowFromJson(meta, texts) : { ...meta, ...capped };
}
