import { REAL_HOOKS, type RetryHooks, type RetryPolicy, withRetry } from "../util/retry.js";
import { type ExportResult, failure, type Sink } from "./transports/types.js";

/** The SDK's retry: endless while the queue holds the batch, from 200 ms up to 30 s; Retry-After up to 5 min. */
export const DEFAULT_RETRY: Required<RetryPolicy> = {
  initialBackoffMs: 200,
  maxBackoffMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
  maxRetryAfterMs: 300_000,
};

/**
 * Exports through the one retry loop (src/util/retry.ts) with the same batch object each
 * time, so a transport can key per-batch state (the HTTP Idempotency-Key) on it. A transport
 * that throws counts as a failure; running out of attempts turns a retryable result into one.
 */
export async function exportWithRetry<T>(
  transport: Sink<T>,
  batch: T[],
  policy: RetryPolicy,
  signal: AbortSignal,
  hooks: RetryHooks = REAL_HOOKS,
): Promise<ExportResult> {
  const attempt = async (): Promise<ExportResult> => {
    try {
      return await transport.export(batch);
    } catch (err) {
      return failure(`transport threw: ${String(err)}`);
    }
  };
  const { result, attempts } = await withRetry(attempt, policy, hooks, signal);
  if (result.kind === "retryable" && attempts >= policy.maxAttempts) {
    return failure(`gave up after ${attempts} attempts: ${result.error}`);
  }
  return result;
}
