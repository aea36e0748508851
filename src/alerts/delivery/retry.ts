/** What one delivery attempt came to. */
export type AttemptResult =
  | { kind: "success"; httpStatus?: number }
  | { kind: "failure"; error: string; httpStatus?: number }
  | { kind: "retryable"; error: string; httpStatus?: number; retryAfterMs?: number };

export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  maxAttempts: number;
  /** First backoff (default 1 s), doubled per attempt and jittered. */
  initialBackoffMs: number;
  /** Cap on one backoff and on an honoured Retry-After (default 30 s). */
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 30_000 };

export interface RetryHooks {
  /** Waits; tests pass one that returns at once. Rejects or returns early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); tests pass a constant. */
  random: () => number;
  /** Told after each attempt that will be retried (GET /alerts shows "retrying"). */
  onRetry?: (attempt: number, result: AttemptResult & { kind: "retryable" }, waitMs: number) => void;
}

export interface RetryOutcome {
  result: AttemptResult;
  attempts: number;
}

/** Real sleep that ends early when the signal aborts (shutdown). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The backoff before attempt `attempt + 1`: exponential from initialBackoffMs, capped, with
 * "equal jitter" (half fixed, half random) so receivers recovering from an outage are not
 * hit by every rule at once. A Retry-After from the receiver wins, up to the same cap.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxBackoffMs);
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(base / 2 + (base / 2) * random);
}

/**
 * The one retry loop of alert delivery: retries retryable results (network errors, 408,
 * 429, 5xx) with capped, jittered backoff honouring Retry-After; stops at once on success,
 * on a failure (other 4xx) or when `signal` aborts.
 *
 * @example await withRetry((signal) => postJson(url, body, {}, 10_000, signal), DEFAULT_RETRY, hooks, signal)
 */
export async function withRetry(
  attempt: (signal: AbortSignal) => Promise<AttemptResult>,
  policy: RetryPolicy,
  hooks: RetryHooks,
  signal: AbortSignal,
): Promise<RetryOutcome> {
  let n = 0;
  for (;;) {
    n++;
    const result = await attempt(signal);
    if (result.kind !== "retryable" || n >= policy.maxAttempts || signal.aborted) return { result, attempts: n };
    const wait = backoffMs(n, policy, hooks.random(), result.retryAfterMs);
    hooks.onRetry?.(n, result, wait);
    await hooks.sleep(wait, signal);
    if (signal.aborted)
      return { result: { ...result, error: `${result.error} (stopped: shutting down)` }, attempts: n };
  }
}
