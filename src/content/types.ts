import type { Config } from "../config/types.js";

/**
 * Prompt and completion content, in the JSON shapes of the OpenTelemetry GenAI conventions
 * (gen_ai.input.messages, gen_ai.output.messages, gen_ai.system_instructions). Content is kept
 * apart from spans: its own table, its own retention, never read by metrics.
 */

/** One part of a message: text, a tool call, a tool result, or any other typed part. */
export type Part =
  | { type: "text"; content: string }
  | { type: "tool_call"; id?: string | null; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string | null; response?: unknown }
  | { type: string; [k: string]: unknown };

/** An input message (gen_ai.input.messages item). */
export interface Message {
  role: string;
  parts: Part[];
  name?: string;
}

/** An output message (gen_ai.output.messages item). */
export interface OutputMessage extends Message {
  finish_reason?: string;
}

/** The content fields of one span, as POST /spans accepts them and GET /traces/{id}?content=1 returns them. */
export interface ContentFields {
  input: Message[] | null;
  output: OutputMessage[] | null;
  /** System instructions given apart from the messages (gen_ai.system_instructions). */
  system: Part[] | null;
  /** Tool definitions offered to the model (gen_ai.tool.definitions). */
  tools: unknown[] | null;
}

/** Content of one span as stored: keyed by the span, dated by its start for retention and search. */
export interface SpanContent extends ContentFields {
  trace_id: string;
  span_id: string;
  started_at: number; // epoch ms
  /** Matches replaced by redaction rules (SDK and server together). */
  redactions: number;
  /** Bytes cut by content.max_bytes (0 when nothing was cut). */
  truncated_bytes: number;
}

/** Full-text search over content: case-insensitive substring, spans started in (since, until). */
export interface ContentSearch {
  text: string;
  since: number;
  until: number;
  /** Most trace ids returned (newest first). */
  limit: number;
}

/**
 * Where content lives: a table of its own in each driver (memory, duckdb, postgres), checked
 * by the conformance suite (src/store/conformance-content.ts).
 */
export interface ContentStore {
  /** Commits the rows; a row for a (trace_id, span_id) already stored replaces it. */
  insertContent(rows: SpanContent[]): Promise<void>;
  /** Every content row of one trace, ordered by started_at then span_id; [] when none. */
  getContent(traceId: string): Promise<SpanContent[]>;
  /** Trace ids whose content contains the text, newest span first, at most `limit`. */
  searchContent(q: ContentSearch): Promise<string[]>;
  /** Deletes content of spans that started before `before`; returns how many rows. */
  deleteContentBefore(before: number): Promise<number>;
}

/** Server settings under `content:` in tokentrace.yml. */
export type ContentConfig = Config["content"];

export type { CustomRule, PresetName, RedactRule } from "../config/redact-rules.js";
