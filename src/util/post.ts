import { parseRetryAfter, type RetryResult } from "./retry.js";

/** What came back from one POST: a response (its body read), or an error before one arrived. */
export type PostAnswer =
  | { kind: "response"; status: number; text: string; headers: Headers }
  | { kind: "error"; error: unknown };

export interface PostInit {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Aborts the request (shutdown); the timeout applies either way. */
  signal?: AbortSignal;
  /** "manual" leaves redirects unfollowed (alert receivers must be the final URL). */
  redirect?: RequestRedirect;
}

/**
 * One POST with its own timeout; the body is always read so the connection can be reused.
 * Never throws: a network error or timeout comes back as `{ kind: "error" }`.
 */
export async function post(url: string, init: PostInit): Promise<PostAnswer> {
  const timeout = AbortSignal.timeout(init.timeoutMs);
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: init.headers,
      body: init.body,
      redirect: init.redirect ?? "follow",
      signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
    return { kind: "response", status: res.status, text: await res.text(), headers: res.headers };
  } catch (error) {
    return { kind: "error", error };
  }
}

/** Which HTTP statuses are worth another attempt. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A response's status as a retry result: 2xx success; 408, 429 and 5xx retryable with the
 * receiver's Retry-After; anything else a failure carrying `error`.
 */
export function statusResult(status: number, error: string, headers: Headers, now: number): RetryResult {
  if (status >= 200 && status < 300) return { kind: "success", httpStatus: status };
  if (isRetryableStatus(status)) {
    return { kind: "retryable", error, afterMs: parseRetryAfter(headers.get("retry-after"), now), httpStatus: status };
  }
  return { kind: "failure", error, httpStatus: status };
}
