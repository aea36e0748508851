import type { Config, PriceOverride } from "../config/types.js";
import type { SpanStatus } from "../span/types.js";
import type { BudgetHandle, BudgetOptions } from "./budget.js";
import type { CaptureContentOption, SdkRedactRule } from "./content.js";
import type { TraceOptions } from "./identity.js";
import type { ScoreInput, ScoreOptions } from "./score.js";
import type { Transport } from "./transports/types.js";

/** Attribute values the SDK accepts; nested objects are flattened to dotted keys, arrays become JSON text. */
export type AttrInput = string | number | boolean | null | undefined | AttrInput[] | { [k: string]: AttrInput };
export type AttributesInput = Record<string, AttrInput>;

/** One LLM call recorded by hand (`span.recordLLMCall` / `trace.recordLLMCall`) or by a client wrapper. */
export interface LLMCall {
  model: string;
  provider?: string | null;
  /** Span name; defaults to the enclosing span's or trace's name, else the model. */
  name?: string;
  /** Includes cached tokens (OpenAI convention). */
  prompt_tokens?: number;
  /** Includes reasoning tokens. */
  comp_tokens?: number;
  total_tokens?: number;
  /** Cache reads, part of prompt_tokens. */
  cached_tokens?: number | null;
  /** Cache writes (Anthropic), part of prompt_tokens; priced, sent as attribute `usage.cache_write_tokens`. */
  cache_write_tokens?: number | null;
  reasoning_tokens?: number | null;
  /** Computed from the price table (with `pricing.overrides`) when absent; null = unknown model. */
  cost_usd?: number | null;
  /** Measured by the span when absent. */
  latency_ms?: number;
  ttft_ms?: number | null;
  status?: SpanStatus;
  started_at?: number;
  ended_at?: number;
  attributes?: AttributesInput;
}

export interface PricingConfig {
  overrides?: Record<string, PriceOverride>;
}

/** Where the in-process HTTP API listens, e.g. `{ addr: "127.0.0.1:9090" }`. */
export interface HttpServerConfig {
  addr: string;
  auth_token?: string | null;
  max_batch_size?: number;
  /** Where the in-process server keeps spans (default: memory). */
  storage?: Config["storage"];
}

export interface TracerConfig {
  /**
   * Capture prompts and completions of wrapped clients (off by default): true, or
   * `{ maxChars }` to cut each text longer than that (default 16384). Override per client
   * with wrapOpenAI(client, { captureContent }) and per call with withContentCapture().
   */
  captureContent?: CaptureContentOption;
  /**
   * Redaction before content leaves the process: preset names ("email", "phone",
   * "credit_card", "secrets", "ip"), { pattern, replacement } rules and functions (text) => text.
   */
  redact?: SdkRedactRule[];
  /** Sent as `caller` on every span. */
  service?: string;
  /** Where spans go. Without one (and without httpServer) the tracer is a no-op. */
  transport?: Transport;
  /** Starts the HTTP API of the server inside this process over the tracer's own spans. */
  httpServer?: HttpServerConfig;
  /** Alert rules evaluated by the in-process server (same shape as tokentrace.yml rules). */
  alerts?: unknown[];
  pricing?: PricingConfig;
  /** Attribute promoted to the quality score (default `eval.score`). */
  scoreAttribute?: string;
  /** Spans waiting to be sent; past this new spans are dropped and counted (default 2048). */
  maxQueueSize?: number;
  /** Spans per request (default 1000, the server's default max_batch_size). */
  maxBatchSize?: number;
  /** How often queued spans are sent (default 1000 ms). */
  flushIntervalMs?: number;
  retry?: RetryPolicy;
  /** How long flush(), shutdown() and the send when the process ends on its own wait (default 5000 ms). */
  shutdownTimeoutMs?: number;
  /** Receives the SDK's own warnings (drops, failures), rate-limited; default console.warn. */
  onWarning?: (message: string) => void;
}

export interface RetryPolicy {
  /** First backoff (default 200 ms), doubled per attempt, jittered. */
  initialBackoffMs?: number;
  /** Cap on one backoff (default 30 000 ms); a server's Retry-After is honoured up to 5 minutes. */
  maxBackoffMs?: number;
  /** Attempts per batch before it is dropped (default: unlimited while the queue holds it). */
  maxAttempts?: number;
}

/** Counters the tracer keeps about its own work. */
export interface TracerStats {
  /** Spans handed to the tracer. */
  recorded: number;
  /** Spans the transport accepted. */
  exported: number;
  /** Spans dropped because the queue was full (or still queued at shutdown timeout). */
  dropped: number;
  /** Spans the transport rejected for good (e.g. 400) or that exhausted their retries. */
  failed: number;
  /** Spans waiting in the queue now. */
  queued: number;
}

/** A unit of work inside a trace; LLM data makes it a span that is sent. */
export interface SpanHandle {
  /** This span's id. */
  ID(): string;
  traceID(): string;
  readonly name: string;
  /** Attributes for this span and every span recorded inside it. */
  setAttributes(attrs: AttributesInput): this;
  /** Makes this span an LLM call span: it is sent when it ends, timed from its start unless latency_ms is given. */
  recordLLMCall(call: LLMCall): this;
  /** Runs fn with this span as the current parent (AsyncLocalStorage). */
  run<T>(fn: () => T): T;
  /** Child span around fn: timed, status error on throw, timeout on abort/timeout. */
  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T>;
  startSpan(name: string): SpanHandle;
  /** Ends the span; idempotent. Only spans with LLM data are sent (POST /spans requires a model). */
  end(status?: SpanStatus): void;
  /**
   * Scores this span (on a trace handle: the whole trace), sent like `tracer.score()`: a
   * number or boolean is the value, a string the label. Never throws; a bad score is dropped
   * with a warning.
   *
   * @example trace.score("thumbs", true); span.score("topic", "billing", { source: "llm" })
   */
  score(name: string, value: number | boolean | string, options?: ScoreOptions): this;
}

/** A trace: its id groups every span recorded inside it. */
export interface TraceHandle extends SpanHandle {
  /** The trace id (GET /traces/{id}). */
  ID(): string;
  /**
   * The end user this trace serves: every span of the trace carries it as `user_id`, wrapped
   * client calls and nested spans included, and spans that ended earlier but are still queued
   * (not yet sent). Spans already sent keep what they had; after the trace ends it changes
   * nothing. Never throws: an id that is not a string of 1-256 characters is dropped with a
   * warning (onWarning).
   *
   * @example await tracer.trace("chat", async (t) => { const user = await auth(req); t.setUser(user.id); ... })
   */
  setUser(userId: string): this;
  /**
   * The conversation this trace is a turn of (`session_id`), carried like setUser's id.
   *
   * @example tracer.currentTrace()?.setSession(req.body.conversationId)
   */
  setSession(sessionId: string): this;
}

export interface Tracer {
  readonly service: string | null;
  /** Name of the transport in use ("http", "file", "console", "memory", "none"). */
  readonly transportName: string;
  /**
   * Runs fn inside a new trace; returns fn's result, rethrows its error. `options` gives the
   * trace its session and user (see TraceHandle.setUser), carried by every span in it.
   *
   * @example await tracer.trace("chat-turn", () => answer(question), { sessionId: conversation.id, userId: user.id })
   */
  trace<T>(name: string, fn: (trace: TraceHandle) => T | Promise<T>, options?: TraceOptions): Promise<T>;
  /** Starts a trace to end by hand (options as for trace()); use trace.run(fn) to make it current. */
  startTrace(name: string, options?: TraceOptions): TraceHandle;
  /** Child span of the current span/trace (or a new trace when none). */
  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T>;
  /** Records one completed LLM call under the current span/trace. */
  recordLLMCall(call: LLMCall): void;
  /**
   * Sends a score for a trace (or one of its spans), queued and retried like spans; the trace
   * may be recorded before or after. Never throws: a score the server would refuse is dropped
   * with a warning (onWarning).
   *
   * @example tracer.score({ traceId, name: "helpfulness", value: 0.9, source: "human" })
   */
  score(score: ScoreInput): void;
  /**
   * A budget rule's standing for this app to check before a call: `remaining()` asks the
   * server (GET /budgets/{name}) each time; null when it cannot say, never a throw.
   *
   * @example const left = await tracer.budget("monthly-per-user", { userId: "u-1042" }).remaining();
   */
  budget(name: string, opts?: BudgetOptions): BudgetHandle;
  /** The current trace, if any. */
  currentTrace(): TraceHandle | undefined;
  stats(): TracerStats;
  /** URL of the in-process HTTP API once it listens (httpServer config). */
  serverUrl(): Promise<string | null>;
  /** Sends what is queued; idempotent, never rejects. */
  flush(): Promise<void>;
  /**
   * Flushes, stops timers, closes the transport and in-process server; idempotent, never
   * rejects. A script need not call it (what is queued is sent when the event loop drains);
   * a server calls it on SIGTERM, since process.exit() and signals skip that.
   */
  shutdown(): Promise<void>;
}
