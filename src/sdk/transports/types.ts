import type { Span } from "../../span/types.js";
import type { RetryResult } from "../../util/retry.js";
import type { BudgetReading } from "../budget.js";
import type { WireScore } from "../score.js";

/**
 * What one export attempt came to (`afterMs`: the server's Retry-After). Transports never
 * retry themselves: retry lives in one wrapper (src/util/retry.ts) that honours `afterMs`
 * or backs off with jitter.
 */
export type ExportResult = RetryResult;

export const SUCCESS: ExportResult = Object.freeze({ kind: "success" });

/** What a BatchProcessor sends to: a transport's spans, or its scores. */
export interface Sink<T> {
  readonly name: string;
  readonly maxBatchSize?: number;
  readonly target?: string;
  readonly minQueueSize?: number;
  export(items: T[]): Promise<ExportResult>;
  shutdown?(): Promise<void>;
}

/** Where finished spans go. `export` must not throw; a thrown error counts as a failure. */
export interface Transport {
  /** Reported by /health of the in-process server: "http", "file", "console", "memory". */
  readonly name: string;
  /** Largest batch to hand to export (the HTTP transport lowers it after a 413). */
  readonly maxBatchSize?: number;
  /** Where spans go (a URL, a file path), named in the tracer's warnings. */
  readonly target?: string;
  /**
   * Spans the tracer may hold for this transport when its maxQueueSize is lower: a local
   * file keeps up with any burst an app makes, so it gets a bound no burst reaches.
   */
  readonly minQueueSize?: number;
  export(spans: Span[]): Promise<ExportResult>;
  /**
   * Sends scores (tracer.score(), trace.score()), queued and retried like spans. Every
   * transport of the SDK has it; scores given to a tracer whose transport has not are
   * dropped with a warning.
   */
  exportScores?(scores: WireScore[]): Promise<ExportResult>;
  /**
   * Reads a budget's standing from the server spans go to (GET /budgets/{name}): the body, or
   * why it could not. Only transports that talk to a tokentrace server have it.
   */
  readBudget?(name: string, query: Record<string, string>): Promise<BudgetReading | string>;
  /** Releases resources (open files); called once by tracer.shutdown(). */
  shutdown?(): Promise<void>;
}

/** @example failure(`HTTP 400: ${msg}`) */
export function failure(error: string): ExportResult {
  return { kind: "failure", error };
}

/** @example retryable("HTTP 503", 2000) */
export function retryable(error: string, afterMs: number | null = null): ExportResult {
  return { kind: "retryable", error, afterMs };
}
