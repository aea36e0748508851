import type { RetryPolicy } from "../../util/retry.js";

/** Alert delivery's retry: 5 attempts from 1 s, each wait (and an honoured Retry-After) at most 30 s. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 30_000 };
