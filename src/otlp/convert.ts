import type { ContentFields } from "../content/types.js";
import { ApiError } from "../errors.js";
import type { PriceInput } from "../pricing/types.js";
import { findBadText } from "../schema/span.js";
import { parseSpan } from "../span/index.js";
import type { Span } from "../span/types.js";
import { contentOfOtlpSpan } from "./content.js";
import { mapSpan, SpanRejection } from "./map.js";
import type { OtlpSpan } from "./read.js";

export interface ConvertOptions {
  now: number;
  qualityKey: string;
  defaultCaller: string | null;
  price: (u: PriceInput) => number | null;
  /** Read prompt and completion content (off when content.enabled is false). */
  withContent?: boolean;
  /** Time bounds on started_at (see NormalizeOptions). */
  maxFutureMs?: number;
  retentionMs?: number;
}

export interface Converted {
  spans: Span[];
  /** Content of each accepted span (same order as spans), null where it has none. */
  content: (ContentFields | null)[];
  /** One line per rejected span: its position in the request, its id when readable, the reason. */
  rejected: string[];
}

function toSpan(s: OtlpSpan, index: number, o: ConvertOptions): Span {
  const { input, llm, cacheWrite } = mapSpan(s);
  // a span that is not an LLM call gets the same checks (ids, times, attributes), without a model
  if (!llm) return parseSpan(input, index, { ...o, allowNoModel: true });
  const price = cacheWrite === null ? o.price : (u: PriceInput) => o.price({ ...u, cache_write_tokens: cacheWrite });
  return parseSpan(input, index, { ...o, price });
}

/**
 * Normalises the spans of one OTLP request. Unlike POST /spans, a bad span does not fail
 * the batch: OTLP reports it in partialSuccess and stores the rest.
 */
export function convertSpans(spans: OtlpSpan[], o: ConvertOptions): Converted {
  const out: Converted = { spans: [], content: [], rejected: [] };
  spans.forEach((s, i) => {
    try {
      const span = toSpan(s, i, o);
      const content = o.withContent ? contentOfOtlpSpan(s) : null;
      // content is read from attributes and events; its strings obey the same text rule
      const bad = content === null ? null : findBadText(content, "content");
      if (bad !== null) throw new SpanRejection(`${bad[0]}: ${bad[1]}`);
      out.spans.push(span);
      out.content.push(content);
    } catch (err) {
      if (!(err instanceof SpanRejection || (err instanceof ApiError && err.code === "invalid_span"))) throw err;
      // parseSpan already says "spans[i].field: ..."; the mapping's own messages get the same prefix
      const msg = err instanceof SpanRejection ? `spans[${i}]: ${err.message}` : err.message;
      out.rejected.push(s.spanId === "" ? msg : `${msg} (spanId ${s.spanId})`);
    }
  });
  return out;
}
