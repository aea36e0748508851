import { ContentShapeError, readContentFields } from "../content/parse.js";
import { type ContentPolicy, prepareContent } from "../content/prepare.js";
import type { ContentFields, SpanContent } from "../content/types.js";
import { ApiError } from "../errors.js";
import { findBadText } from "../schema/span.js";
import type { Span } from "../span/types.js";

/**
 * The content rows of a POST /spans body whose spans are already normalised (same order).
 * Shapes are checked for every span before anything is kept, so a bad one refuses the whole
 * batch like any other invalid field; with content off, content fields are ignored unread.
 */
export function contentOfBody(body: unknown, spans: Span[], policy: ContentPolicy): SpanContent[] {
  if (!policy.enabled) return [];
  const raws = Array.isArray(body) ? body : [body];
  const fields: (ContentFields | null)[] = raws.map((raw, i) => {
    try {
      const r = raw as Record<string, unknown>;
      // the client's own fields, so the path names what it sent (`input`, not `input[0].parts[0]`)
      const bad = findBadText({ input: r.input, output: r.output, system: r.system, tools: r.tools }, "");
      if (bad !== null) throw new ApiError("invalid_span", `spans[${i}].${bad[0]}: ${bad[1]}`);
      return readContentFields(r);
    } catch (e) {
      if (e instanceof ContentShapeError) throw new ApiError("invalid_span", `spans[${i}].${e.message}`);
      throw e;
    }
  });
  const out: SpanContent[] = [];
  fields.forEach((f, i) => {
    if (f === null) return;
    const row = prepareContent(spans[i], f, policy);
    if (row !== null) out.push(row);
  });
  return out;
}
