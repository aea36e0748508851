// The span's fields, written once. The Span type, both stores' tables, the DuckDB worker's
// column batches, the row mappers, the HTTP API's span shape, the exports and the dashboard's
// Fields table are all derived from this list. It stands on the ground floor (no imports) so
// that config/ can read the field names too (a metrics dimension may not shadow one).

/** Status of one LLM call. */
export type SpanStatus = "ok" | "error" | "timeout";
export const SPAN_STATUSES: readonly SpanStatus[] = ["ok", "error", "timeout"];

/** Attribute values after flattening: nested objects become dotted keys. */
export type AttrValue = string | number | boolean;
export type Attributes = Record<string, AttrValue>;

/**
 * What a field holds; each store maps a kind to its column type (store/duckdb/schema.ts,
 * store/postgres/schema.ts).
 * - string, status: text.
 * - integer: a whole number (token counts), BIGINT.
 * - double: a float (milliseconds, scores).
 * - decimal: USD, stored as an exact DECIMAL(18, 12) so sums do not drift.
 * - time: epoch milliseconds, BIGINT; RFC 3339 text in the API and the exports.
 * - attributes: the flattened attribute map, JSON.
 */
export type FieldKind = "string" | "status" | "integer" | "double" | "decimal" | "time" | "attributes";

export interface SpanField {
  /** The name everywhere: Span property, table column, JSON key, export column. */
  readonly name: string;
  readonly kind: FieldKind;
  /** May hold null (a nullable column). */
  readonly nullable: boolean;
  /** GET /traces/{id} leaves it out (eval_score: the attributes already hold the score). */
  readonly apiOmits?: true;
  /** Its row in the dashboard's Fields table (1 first); absent: not listed there. */
  readonly shownAt?: number;
}

/**
 * Every span field, in the order the stores lay out their columns. Existing databases hold
 * them in this order: never reorder or remove one. A new field goes at the end, with a
 * migration in each store (PostgreSQL: a new entry in MIGRATIONS; DuckDB: an ALTER TABLE in
 * SCHEMA_SQL, and the appender's column order).
 */
export const SPAN_SCHEMA = [
  { name: "trace_id", kind: "string", nullable: false, shownAt: 3 }, // lowercase UUID form
  { name: "span_id", kind: "string", nullable: false, shownAt: 1 },
  { name: "parent_span_id", kind: "string", nullable: true, shownAt: 2 },
  { name: "name", kind: "string", nullable: false, shownAt: 4 },
  // null only for non-LLM spans (OTLP spans without a model): never counted in LLM metrics
  { name: "model", kind: "string", nullable: true, shownAt: 5 },
  { name: "provider", kind: "string", nullable: true, shownAt: 6 },
  { name: "prompt_tokens", kind: "integer", nullable: false, shownAt: 9 },
  { name: "comp_tokens", kind: "integer", nullable: false, shownAt: 10 },
  { name: "total_tokens", kind: "integer", nullable: false, shownAt: 11 },
  { name: "cached_tokens", kind: "integer", nullable: true, shownAt: 12 },
  { name: "reasoning_tokens", kind: "integer", nullable: true, shownAt: 13 },
  // null = unpriced (unknown model), never a silent 0
  { name: "cost_usd", kind: "decimal", nullable: true, shownAt: 14 },
  { name: "latency_ms", kind: "double", nullable: false, shownAt: 15 },
  { name: "ttft_ms", kind: "double", nullable: true, shownAt: 16 },
  { name: "status", kind: "status", nullable: false, shownAt: 8 },
  { name: "caller", kind: "string", nullable: true, shownAt: 7 },
  { name: "started_at", kind: "time", nullable: false, shownAt: 17 },
  { name: "ended_at", kind: "time", nullable: false, shownAt: 18 },
  // promoted from attributes[quality.score_attribute]
  { name: "eval_score", kind: "double", nullable: true, apiOmits: true },
  { name: "attributes", kind: "attributes", nullable: false },
] as const satisfies readonly SpanField[];

type Schema = (typeof SPAN_SCHEMA)[number];

/** The name of a span field. */
export type SpanFieldName = Schema["name"];

interface KindTypes {
  string: string;
  status: SpanStatus;
  integer: number;
  double: number;
  decimal: number;
  time: number;
  attributes: Attributes;
}

type ValueOf<F extends Schema> = KindTypes[F["kind"]] | (F["nullable"] extends true ? null : never);

/**
 * A normalised span as stored and served. Timestamps are epoch milliseconds here; the HTTP
 * API renders them as RFC 3339 strings (see toApiSpan).
 */
export type Span = { -readonly [F in Schema as F["name"]]: ValueOf<F> };

/** The fields GET /traces/{id} leaves out. */
export type ApiOmitted = Extract<Schema, { apiOmits: true }>["name"];

/** The names of the fields of some kinds. */
export type NamesOfKind<K extends FieldKind> = Extract<Schema, { kind: K }>["name"];

/** The names of the fields of the given kinds, in schema order. */
export function namesOfKind<K extends FieldKind>(...kinds: K[]): NamesOfKind<K>[] {
  // TypeScript cannot narrow the union by a generic kind: the filter is that narrowing.
  return SPAN_SCHEMA.filter((f) => (kinds as FieldKind[]).includes(f.kind)).map((f) => f.name as NamesOfKind<K>);
}
