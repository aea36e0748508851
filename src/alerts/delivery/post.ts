import { post, statusResult } from "../../util/post.js";
import type { RetryResult } from "../../util/retry.js";

function snippet(body: string): string {
  const text = body.trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return "timed out";
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${err.message}: ${cause.message}`;
    return err.message;
  }
  return String(err);
}

/**
 * One JSON POST to a receiver with its own timeout. Redirects are not followed: they
 * could lead outside alerts.allowed_hosts, and a receiver URL should be the final one.
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<RetryResult> {
  const answer = await post(url, {
    headers: { "content-type": "application/json", "user-agent": "tokentrace-alerts", ...headers },
    body: JSON.stringify(body),
    redirect: "manual",
    timeoutMs,
    signal,
  });
  if (answer.kind === "error") return { kind: "retryable", error: describe(answer.error), afterMs: null };
  const { status: httpStatus, text } = answer;
  const error = `HTTP ${httpStatus}${snippet(text) ? `: ${snippet(text)}` : ""}`;
  if (httpStatus >= 300 && httpStatus < 400) {
    return {
      kind: "failure",
      httpStatus,
      error: `${error} (redirect to ${answer.headers.get("location") ?? "?"} not followed)`,
    };
  }
  return statusResult(httpStatus, error, answer.headers, now());
}
