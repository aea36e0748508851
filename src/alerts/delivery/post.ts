import type { AttemptResult } from "./retry.js";

/** Reads Retry-After (delta seconds or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Which HTTP statuses are worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function snippet(res: Response): Promise<string> {
  try {
    const text = (await res.text()).trim();
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return "";
  }
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
): Promise<AttemptResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "tokentrace-alerts", ...headers },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (err) {
    return { kind: "retryable", error: describe(err) };
  }
  const httpStatus = res.status;
  if (httpStatus >= 200 && httpStatus < 300) {
    // drain so the connection can be reused
    await res.arrayBuffer().catch(() => undefined);
    return { kind: "success", httpStatus };
  }
  const text = await snippet(res);
  const error = `HTTP ${httpStatus}${text ? `: ${text}` : ""}`;
  if (httpStatus >= 300 && httpStatus < 400) {
    return {
      kind: "failure",
      httpStatus,
      error: `${error} (redirect to ${res.headers.get("location") ?? "?"} not followed)`,
    };
  }
  if (isRetryableStatus(httpStatus)) {
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now());
    return { kind: "retryable", httpStatus, error, ...(retryAfterMs !== undefined && { retryAfterMs }) };
  }
  return { kind: "failure", httpStatus, error };
}
