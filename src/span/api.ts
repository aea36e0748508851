import { type ApiOmitted, type NamesOfKind, SPAN_SCHEMA } from "../schema/span.js";
import type { Span } from "./types.js";

type Times = NamesOfKind<"time">;

/** A span as the HTTP API serves it (GET /traces/{id}): timestamps as RFC 3339 with milliseconds. */
export type ApiSpan = Omit<Span, Times | ApiOmitted> & Record<Times, string>;

/**
 * Renders a stored span in the seed page's JSON shape: the schema's fields in order, times
 * as RFC 3339, without eval_score (it is already in attributes under the quality key).
 *
 * @example toApiSpan(span).started_at // "2026-03-15T14:23:01.441Z"
 */
export function toApiSpan(s: Span): ApiSpan {
  const out: Record<string, unknown> = {};
  for (const f of SPAN_SCHEMA) {
    if ("apiOmits" in f) continue;
    const v = s[f.name];
    out[f.name] = f.kind === "time" && typeof v === "number" ? new Date(v).toISOString() : v;
  }
  return out as ApiSpan;
}
