import { ContentShapeError, readContentFields } from "../content/parse.js";
import { type ContentPolicy, prepareContent } from "../content/prepare.js";
import type { ContentFields, SpanContent } from "../content/types.js";
import { ApiError } from "../errors.js";
import { findBadText } from "../schema/span.js";
import { type NormalizeOptions, parseSpan, parseSpans } from "../span/normalize.js";
import type { Span } from "../span/types.js";
import type { SpanBody } from "./body.js";

/**
 * The content row of span i of a POST /spans body, whose normalised span is `span`; null
 * when it has none. With content off, content fields are ignored unread. A bad shape throws
 * invalid_span naming the field. `escapeFree` says the body holds no `\u` escape, so none
 * of its strings can break the text rule (SpanBody.escapeFree) and the walk is skipped.
 */
export function contentOfSpan(
  raw: unknown,
  i: number,
  span: Span,
  policy: ContentPolicy,
  escapeFree: boolean,
): SpanContent | null {
  if (!policy.enabled) return null;
  let fields: ContentFields | null;
  try {
    const r = raw as Record<string, unknown>;
    // the client's own fields, so the path names what it sent (`input`, not `input[0].parts[0]`)
    const bad = escapeFree
      ? null
      : findBadText({ input: r.input, output: r.output, system: r.system, tools: r.tools }, "");
    if (bad !== null) throw new ApiError("invalid_span", `spans[${i}].${bad[0]}: ${bad[1]}`);
    fields = readContentFields(r);
  } catch (e) {
    if (e instanceof ContentShapeError) throw new ApiError("invalid_span", `spans[${i}].${e.message}`);
    throw e;
  }
  return fields === null ? null : prepareContent(span, fields, policy);
}

/**
 * The spans of a POST /spans body and their content rows, validated all or nothing: the
 * first bad span throws invalid_span naming its index and field. An array body is read one
 * span at a time (SpanBody), each span's content prepared before the next is parsed.
 */
export function readSpans(
  body: SpanBody,
  opts: NormalizeOptions,
  policy: ContentPolicy,
): { spans: Span[]; rows: SpanContent[] } {
  if (!body.isArray) {
    const spans = parseSpans(body.whole, opts);
    const row = contentOfSpan(body.whole, 0, spans[0], policy, false);
    return { spans, rows: row === null ? [] : [row] };
  }
  const spans: Span[] = new Array(body.count);
  const rows: SpanContent[] = [];
  for (let i = 0; i < spans.length; i++) {
    const raw = body.span(i);
    spans[i] = parseSpan(raw, i, opts);
    const row = contentOfSpan(raw, i, spans[i], policy, body.escapeFree);
    if (row !== null) rows.push(row);
  }
  return { spans, rows };
}
