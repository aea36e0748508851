import { ApiError } from "../errors.js";
import { textProblem } from "../schema/span.js";
import { normalizeSpanId, normalizeTraceId } from "../span/ids.js";
import { SCORE_SOURCES, type Score, type ScoreSource } from "./types.js";

/** Bounds of a score's fields (POST /scores, the SDK). */
export const SCORE_LIMITS = { maxName: 128, maxLabel: 256, maxComment: 4096, maxId: 128 } as const;

/** Names and ids: 1–128 of A-Z a-z 0-9 _ . : - */
const NAME_RE = /^[A-Za-z0-9_.:-]+$/;

/**
 * A valid score name or id: 1–128 of A-Z a-z 0-9 _ . : -
 *
 * @example isScoreName("helpfulness") // true
 */
export function isScoreName(s: string): boolean {
  return s.length >= 1 && s.length <= SCORE_LIMITS.maxName && NAME_RE.test(s);
}
const NAME_HINT = "letters, digits and _ . : -";

type Raw = Record<string, unknown>;

function fail(field: string, message: string): never {
  throw new ApiError("invalid_score", `${field}: ${message}`);
}

const absent = (v: unknown) => v === undefined || v === null;

function nameLike(r: Raw, field: string, max: number): string {
  const v = r[field];
  if (typeof v !== "string") fail(field, `must be a string of 1-${max} ${NAME_HINT}`);
  if (v.length === 0 || v.length > max) fail(field, `must be 1-${max} characters long`);
  if (!NAME_RE.test(v)) fail(field, `may hold only ${NAME_HINT}`);
  return v;
}

function text(r: Raw, field: string, min: number, max: number): string | null {
  const v = r[field];
  if (absent(v)) return null;
  if (typeof v !== "string") fail(field, "must be a string");
  if (v.length < min || v.length > max) fail(field, `must be ${min}-${max} characters long`);
  const bad = textProblem(v);
  if (bad !== null) fail(field, bad);
  return v;
}

function value(r: Raw): number | boolean | null {
  const v = r.value;
  if (absent(v)) return null;
  if (typeof v === "boolean") return v;
  if (typeof v !== "number" || !Number.isFinite(v)) fail("value", "must be a finite number or a boolean");
  return v === 0 ? 0 : v; // -0 is stored as 0 by some drivers: one zero everywhere
}

function source(r: Raw): ScoreSource {
  const v = r.source;
  if (absent(v)) return "api";
  if (typeof v !== "string" || !(SCORE_SOURCES as readonly string[]).includes(v)) {
    fail("source", `must be one of ${SCORE_SOURCES.join(", ")}`);
  }
  return v as ScoreSource;
}

/**
 * Checks a score as POST /scores accepts it and builds the stored record; a bad field is an
 * ApiError invalid_score whose message names it. Unknown fields are ignored, like POST /spans.
 * `newId` gives the id of a score sent without one; `now` is its created_at.
 *
 * @example parseScore({ trace_id, name: "helpful", value: true }, Date.now(), randomUUID)
 */
export function parseScore(body: unknown, now: number, newId: () => string): Score {
  if (typeof body !== "object" || body === null || Array.isArray(body)) fail("body", "must be a JSON object");
  const r = body as Raw;
  if (typeof r.trace_id !== "string") fail("trace_id", "required, a UUID or 32 hex digits");
  const traceId = normalizeTraceId(r.trace_id);
  if (traceId === null) fail("trace_id", "must be a UUID or 32 hex digits");
  let spanId: string | null = null;
  if (!absent(r.span_id)) {
    spanId = typeof r.span_id === "string" ? normalizeSpanId(r.span_id) : null;
    if (spanId === null) fail("span_id", "must be a UUID or 16 or 32 hex digits");
  }
  const name = nameLike(r, "name", SCORE_LIMITS.maxName);
  const v = value(r);
  const label = text(r, "label", 1, SCORE_LIMITS.maxLabel);
  if (v !== null && label !== null) fail("value", "give either value or label, not both");
  if (v === null && label === null) fail("value", "required: a value (number or boolean) or a label (string)");
  return {
    score_id: absent(r.id) ? newId() : nameLike(r, "id", SCORE_LIMITS.maxId),
    trace_id: traceId,
    span_id: spanId,
    name,
    value: v,
    label,
    comment: text(r, "comment", 0, SCORE_LIMITS.maxComment),
    source: source(r),
    created_at: now,
  };
}

/** A score as the API serves it: times in RFC 3339. */
export interface ApiScore extends Omit<Score, "created_at"> {
  created_at: string;
}

/** @example toApiScore(score).created_at // "2026-03-15T14:23:01.441Z" */
export function toApiScore(s: Score): ApiScore {
  return { ...s, created_at: new Date(s.created_at).toISOString() };
}
