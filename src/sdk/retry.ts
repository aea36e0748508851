import type { Span } from "../span/types.js";
import type { ExportResult, Transport } from "./transports/types.js";
import type { RetryPolicy } from "./types.js";

export const DEFAULT_RETRY: Required<RetryPolicy> = {
  initialBackoffMs: 200,
  maxBackoffMs: 30_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

// A server asking for more than this is treated as asking for this much.
const MAX_RETRY_AFTER_MS = 300_000;

/** Backoff before retry `attempt` (1-based): doubling from initial, capped, with +-50% jitter. */
export function backoffMs(attempt: number, policy: Required<RetryPolicy>, random: () => number): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (0.5 + random()));
}

/** Delay before the next attempt: Retry-After when the server sent one, else jittered backoff. */
export function nextDelayMs(
  result: ExportResult,
  attempt: number,
  policy: Required<RetryPolicy>,
  random: () => number,
): number {
  const capped = Math.min(backoffMs(attempt, policy, random), policy.maxBackoffMs);
  if (result.kind === "retryable" && result.afterMs !== null) return Math.min(result.afterMs, MAX_RETRY_AFTER_MS);
  return capped;
}

export interface RetryDeps {
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

/** A timer that does not keep the process alive and stops early on abort. */
export function unrefSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    t.unref();
    signal.addEventListener("abort", done, { once: true });
  });
}

export const REAL_DEPS: RetryDeps = { sleep: unrefSleep, random: Math.random };

/**
 * The one place exports are retried: success and failure return at once, retryable results
 * wait (Retry-After or backoff) and try again with the same batch object, so a transport can
 * key per-batch state (the HTTP Idempotency-Key) on it. Stops when `signal` aborts.
 */
export async function exportWithRetry(
  transport: Transport,
  batch: Span[],
  policy: Required<RetryPolicy>,
  signal: AbortSignal,
  deps: RetryDeps = REAL_DEPS,
): Promise<ExportResult> {
  for (let attempt = 1; ; attempt++) {
    let result: ExportResult;
    try {
      result = await transport.export(batch);
    } catch (err) {
      result = { kind: "failure", error: `transport threw: ${String(err)}` };
    }
    if (result.kind !== "retryable") return result;
    if (attempt >= policy.maxAttempts)
      return { kind: "failure", error: `gave up after ${attempt} attempts: ${result.error}` };
    if (signal.aborted) return result;
    await deps.sleep(nextDelayMs(result, attempt, policy, deps.random), signal);
    if (signal.aborted) return result;
  }
}
