import { randomUUID } from "node:crypto";
import { ApiError } from "../errors.js";
import { parseScore } from "../score/parse.js";
import type { ScoreSource } from "../score/types.js";

/** A score as `tracer.score()` takes it: exactly one of `value` and `label`. */
export interface ScoreInput {
  /** The scored trace (trace.ID(), or any trace id the server has or will have). */
  traceId: string;
  /** A span of that trace, when the score is about one call rather than the whole trace. */
  spanId?: string;
  /** 1–128 of A-Z a-z 0-9 _ . : - */
  name: string;
  /** A number or a boolean (👍 = true). */
  value?: number | boolean;
  /** A category instead of a value ("off-topic"), 1–256 characters. */
  label?: string;
  /** Up to 4096 characters. */
  comment?: string;
  /** Who scored: "api" (default), "human", "llm" or "rule". */
  source?: ScoreSource;
}

/** Options of `trace.score(name, value, options)`. */
export interface ScoreOptions {
  comment?: string;
  source?: ScoreSource;
}

/** One score as POST /scores accepts it (and as FileTransport writes it, one per line). */
export interface WireScore {
  /** Made by the SDK, so a retried request replaces the score instead of adding one. */
  id: string;
  trace_id: string;
  span_id?: string;
  name: string;
  value?: number | boolean;
  label?: string;
  comment?: string;
  source: ScoreSource;
}

/**
 * Checks a score with the server's own rules (src/score/parse.ts) and renders it for POST
 * /scores with a fresh id; a string says why it was refused.
 *
 * @example toWireScore({ traceId: trace.ID(), name: "thumbs", value: true })
 */
export function toWireScore(input: ScoreInput): WireScore | string {
  if (typeof input !== "object" || input === null) return "the score must be an object";
  try {
    const s = parseScore(
      {
        id: randomUUID(),
        trace_id: input.traceId,
        span_id: input.spanId,
        name: input.name,
        value: input.value,
        label: input.label,
        comment: input.comment,
        source: input.source,
      },
      0,
      randomUUID,
    );
    const w: WireScore = { id: s.score_id, trace_id: s.trace_id, name: s.name, source: s.source };
    if (s.span_id !== null) w.span_id = s.span_id;
    if (s.value !== null) w.value = s.value;
    if (s.label !== null) w.label = s.label;
    if (s.comment !== null) w.comment = s.comment;
    return w;
  } catch (e) {
    if (e instanceof ApiError) return e.message.replace(/^trace_id/, "traceId").replace(/^span_id/, "spanId");
    return String(e);
  }
}
