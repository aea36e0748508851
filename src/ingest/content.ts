import { ContentShapeError, readContentFields } from "../content/parse.js";
import { type ContentPolicy, prepareContent } from "../content/prepare.js";
import type { ContentFields, SpanContent } from "../content/types.js";
import { ApiError } from "../errors.js";
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
      return readContentFields(raw as Record<string, unknown>);
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
