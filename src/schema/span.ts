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
  /**
   * Added after the first release: stores that existed before add its column by migration,
   * after their own extra columns (DuckDB: after id_hash; PostgreSQL: migration 5), so the
   * column order of a new database and an upgraded one stay the same.
   */
  readonly later?: true;
}

/**
 * Every span field. Existing databases hold them as columns in this order: never reorder or
 * remove one. A new field goes at the end, marked `later`, with a migration in each store
 * (PostgreSQL: a new entry in MIGRATIONS; DuckDB: an ALTER TABLE in SCHEMA_SQL, which puts
 * it after the table's own extra columns, as the appender's column order does).
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
  // the conversation and the end user the call served (1-256 characters; see docs/sessions.md)
  { name: "session_id", kind: "string", nullable: true, shownAt: 19, later: true },
  { name: "user_id", kind: "string", nullable: true, shownAt: 20, later: true },
] as const satisfies readonly SpanField[];

type Schema = (typeof SPAN_SCHEMA)[number];

/** The fields every store's first table held, in column order. */
export const FIRST_FIELDS = SPAN_SCHEMA.filter((f) => !("later" in f));
/** The fields added later, in the order their columns were added (see SpanField.later). */
export const LATER_FIELDS = SPAN_SCHEMA.filter((f) => "later" in f);

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

/**
 * Bounds every store can hold, checked at ingest (span/normalize.ts) so that a span that
 * passes validation never fails an insert:
 * - cost_usd, given or computed from the price table, is a DECIMAL(18, 12): below one million
 *   dollars.
 * - each token count (prompt, completion, total, cached, reasoning) is at most one billion, so
 *   the BIGINT sums of a rollup row (a day of one model at 50,000 spans/s) cannot overflow.
 */
export const SPAN_LIMITS = { maxCostUsd: 1_000_000, maxTokens: 1_000_000_000 } as const;

// A NUL or a surrogate code unit; only then is the exact (slower) pattern run.
const SUSPECT = /[\0\uD800-\uDFFF]/;
// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const BAD_TEXT = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BAD_TEXT_ALL = new RegExp(BAD_TEXT.source, "g");

/**
 * The one rule for text: a string holding a NUL character (U+0000) or a lone surrogate (a
 * JSON `\ud800` escape without its pair, not valid Unicode) is refused wherever a span carries
 * it — name, model, provider, caller, ids, attribute keys and values, content — because
 * PostgreSQL cannot store either and other stores would change them silently. Returns why,
 * or null when the string is fine.
 *
 * @example textProblem("a\u0000b") // "contains a NUL character (\\u0000)"
 */
export function textProblem(s: string): string | null {
  if (!SUSPECT.test(s)) return null;
  const m = BAD_TEXT.exec(s);
  if (m === null) return null;
  return m[0] === "\0"
    ? "contains a NUL character (\\u0000)"
    : `contains a lone surrogate (${escapeUnit(m[0])}), which is not valid Unicode`;
}

function escapeUnit(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A key or path for an error message, with the characters textProblem refuses written as escapes. */
export function shownText(s: string): string {
  return SUSPECT.test(s) ? s.replace(BAD_TEXT_ALL, escapeUnit) : s;
}

/**
 * The first string in a JSON value (keys included) that textProblem refuses, as
 * [path, problem], where `path` extends `at` (`attributes.user`, `input[0].parts`); else null.
 */
export function findBadText(v: unknown, at: string): [string, string] | null {
  if (typeof v === "string") {
    const p = textProblem(v);
    return p === null ? null : [at, p];
  }
  if (typeof v !== "object" || v === null) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = findBadText(v[i], `${at}[${i}]`);
      if (bad !== null) return bad;
    }
    return null;
  }
  for (const k of Object.keys(v)) {
    const keyProblem = textProblem(k);
    const path = at === "" ? shownText(k) : `${at}.${shownText(k)}`;
    if (keyProblem !== null) return [path, `key ${keyProblem}`];
    const bad = findBadText((v as Record<string, unknown>)[k], path);
    if (bad !== null) return bad;
  }
  return null;
}

// model first: a span without a name is named after its model, and the client sent the model
const TEXT_FIELDS = namesOfKind("string").sort((a, b) => Number(b === "model") - Number(a === "model"));

/**
 * The first string of a span that textProblem refuses, as [field, problem] (an attribute
 * is `attributes.KEY`); null when every string can be stored as it is.
 */
export function spanTextProblem(span: Span): [string, string] | null {
  for (const f of TEXT_FIELDS) {
    const v = span[f];
    const p = v === null ? null : textProblem(v);
    if (p !== null) return [f, p];
  }
  return findBadText(span.attributes, "attributes");
}

/** The string with each character textProblem refuses replaced by U+FFFD (the SDK's side of the rule). */
export function wellFormedText(s: string): string {
  return SUSPECT.test(s) ? s.replace(BAD_TEXT_ALL, "\uFFFD") : s;
}

/**
 * The span itself when its strings all pass textProblem; else a copy with each refused
 * character replaced by U+FFFD. The SDK sends this, so one odd value in a caller's attributes
 * never costs a whole batch its 400.
 */
export function scrubSpanText(span: Span): Span {
  if (spanTextProblem(span) === null) return span;
  const out: Span = { ...span, attributes: {} };
  for (const f of TEXT_FIELDS) {
    const v = span[f];
    if (v !== null) (out as Record<string, unknown>)[f] = wellFormedText(v);
  }
  for (const [k, v] of Object.entries(span.attributes)) {
    // defineProperty: a "__proto__" key stays an own key
    Object.defineProperty(out.attributes, wellFormedText(k), {
      value: typeof v === "string" ? wellFormedText(v) : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
