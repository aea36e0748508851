/**
 * The one retry of outgoing HTTP calls, shared by the SDK transports (and `tokentrace
 * import`) and alert delivery: one result type, one backoff with jitter, one Retry-After
 * reader, one sleep that never keeps the process alive.
 */

/** What one attempt came to; `afterMs` is the receiver's Retry-After, null when it sent none. */
export type RetryResult =
  | { kind: "success"; httpStatus?: number }
  | { kind: "failure"; error: string; httpStatus?: number }
  | { kind: "retryable"; error: string; afterMs: number | null; httpStatus?: number };

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff, doubled per attempt and jittered. */
  initialBackoffMs: number;
  /** Cap on one backoff. */
  maxBackoffMs: number;
  /** Cap on an honoured Retry-After (default maxBackoffMs). */
  maxRetryAfterMs?: number;
}

/**
 * The backoff after attempt `attempt` (1-based): exponential from initialBackoffMs, capped,
 * with "equal jitter" (half fixed, half random, `random` in [0, 1)) so clients recovering
 * from an outage do not all come back at once.
 *
 * @example backoffMs(1, { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 30_000 }, 0.5) // 750
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const base = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base / 2 + (base / 2) * random);
}

/** The wait before the next attempt: the receiver's Retry-After when sent (capped), else the backoff. */
function retryDelayMs(afterMs: number | null, attempt: number, policy: RetryPolicy, random: number): number {
  if (afterMs !== null) return Math.min(Math.max(0, afterMs), policy.maxRetryAfterMs ?? policy.maxBackoffMs);
  return backoffMs(attempt, policy, random);
}

/**
 * Retry-After as milliseconds from `now`: delta-seconds (fractions allowed) or an HTTP
 * date; null when absent or unreadable.
 *
 * @example parseRetryAfter("1.5", 0) // 1500
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A wait that does not keep the process alive and ends early when `signal` aborts (shutdown). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
  });
}

export interface RetryHooks {
  /** Waits; tests pass one that returns at once. Returns early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); tests pass a constant. */
  random: () => number;
  /** Told after each attempt that will be retried, with the wait before the next. */
  onRetry?: (attempt: number, result: RetryResult & { kind: "retryable" }, waitMs: number) => void;
}

export const REAL_HOOKS: RetryHooks = { sleep, random: Math.random };

export interface RetryOutcome<R extends { kind: string }> {
  result: R;
  attempts: number;
  /** True when `signal` aborted while a retry was due: the last result stands. */
  stopped: boolean;
}

/**
 * The one retry loop: every result but "retryable" returns at once; a retryable result waits
 * (Retry-After or backoff) and tries again, until maxAttempts or until `signal` aborts.
 *
 * @example const { result } = await withRetry((signal) => post(signal), policy, REAL_HOOKS, signal);
 */
export async function withRetry<R extends { kind: string }>(
  attempt: (signal: AbortSignal) => Promise<R>,
  policy: RetryPolicy,
  hooks: RetryHooks,
  signal: AbortSignal,
): Promise<RetryOutcome<R>> {
  for (let n = 1; ; n++) {
    const result = await attempt(signal);
    if (result.kind !== "retryable" || n >= policy.maxAttempts) return { result, attempts: n, stopped: false };
    if (signal.aborted) return { result, attempts: n, stopped: true };
    const retry = result as unknown as RetryResult & { kind: "retryable" };
    const wait = retryDelayMs(retry.afterMs, n, policy, hooks.random());
    hooks.onRetry?.(n, retry, wait);
    await hooks.sleep(wait, signal);
    if (signal.aborted) return { result, attempts: n, stopped: true };
  }
}
