// The span's fields are defined once, in schema/span.ts (below config/, which reads their
// names too); the span's own code and its users import the types from here.
import { SPAN_SCHEMA, type SpanFieldName } from "../schema/span.js";

export type { Attributes, AttrValue, Span, SpanStatus } from "../schema/span.js";
export { SPAN_STATUSES } from "../schema/span.js";

/** Every Span field, in the order stores and exports lay them out as columns. */
export const SPAN_FIELDS: readonly SpanFieldName[] = SPAN_SCHEMA.map((f) => f.name);
