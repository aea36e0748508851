import type { Span } from "../../span/types.js";
import type { ExpositionQuery, ExpositionRow, SummaryQuery, SummaryRow } from "../store.js";

// Placeholder until the metrics work lands: the memory driver's aggregation in plain JS.
export function summarizeSpans(_spans: Iterable<Span>, _q: SummaryQuery): SummaryRow[] {
  throw new Error("summarizeSpans: not implemented yet");
}

export function exposeSpans(_spans: Iterable<Span>, _q: ExpositionQuery): ExpositionRow[] {
  throw new Error("exposeSpans: not implemented yet");
}
