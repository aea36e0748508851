import { type ExportResult, failure, retryable, SUCCESS } from "./types.js";

/** One POST /spans attempt; `too_large` (413) lets the caller split the batch. */
export type PostResult = ExportResult | { kind: "too_large"; error: string };

export interface PostOptions {
  /** Full endpoint URL, e.g. http://localhost:9090/spans. */
  url: string;
  body: string;
  idempotencyKey: string;
  token?: string | null;
  timeoutMs: number;
  /** Read only by tests: the clock for an HTTP-date Retry-After. */
  now?: () => number;
}

/** Accepts a base URL ("http://host:9090") or the endpoint itself and returns the POST /spans URL. */
export function spansEndpoint(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith("/spans")) u.pathname = `${u.pathname.replace(/\/+$/, "")}/spans`;
  return u.toString();
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function errorText(body: string): string {
  try {
    const j: unknown = JSON.parse(body);
    if (typeof j === "object" && j !== null && typeof (j as { error?: unknown }).error === "string") {
      return (j as { error: string }).error;
    }
  } catch {
    // not JSON: use the text
  }
  return body.slice(0, 200);
}

/**
 * Posts one batch to POST /spans. Network errors, timeouts, 408, 429 and 5xx are retryable
 * (with Retry-After when sent); 413 asks for a split; other statuses are failures.
 */
export async function postSpans(o: PostOptions): Promise<PostResult> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "idempotency-key": o.idempotencyKey,
  };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(o.url, { method: "POST", headers, body: o.body, signal: AbortSignal.timeout(o.timeoutMs) });
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return retryable(`POST ${o.url}: ${cause ?? (err as Error).name ?? String(err)}`);
  }
  if (res.status >= 200 && res.status < 300) return SUCCESS;
  const msg = `POST ${o.url}: HTTP ${res.status} ${errorText(text)}`;
  if (res.status === 413) return { kind: "too_large", error: msg };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    return retryable(msg, parseRetryAfter(res.headers.get("retry-after"), (o.now ?? Date.now)()));
  }
  return failure(msg);
}
