import type { Span } from "../../span/types.js";

/**
 * What one export attempt came to. Transports never retry themselves: retry lives in one
 * wrapper (../retry.ts) that honours `afterMs` (Retry-After) or backs off with jitter.
 */
export type ExportResult =
  | { kind: "success" }
  | { kind: "failure"; error: string }
  | { kind: "retryable"; error: string; afterMs: number | null };

export const SUCCESS: ExportResult = Object.freeze({ kind: "success" });

/** Where finished spans go. `export` must not throw; a thrown error counts as a failure. */
export interface Transport {
  /** Reported by /health of the in-process server: "http", "file", "console", "memory". */
  readonly name: string;
  /** Largest batch to hand to export (the HTTP transport lowers it after a 413). */
  readonly maxBatchSize?: number;
  export(spans: Span[]): Promise<ExportResult>;
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
