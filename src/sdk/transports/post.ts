import { post, statusResult } from "../../util/post.js";
import { type ExportResult, failure, retryable, SUCCESS } from "./types.js";

/** One POST /spans (or /v1/traces) attempt; `too_large` (413) lets the caller split the batch. */
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

/** The POST /scores URL of the same server, from a base URL or its /spans URL. */
export function scoresEndpoint(url: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/+$/, "").replace(/\/spans$/, "")}/scores`;
  return u.toString();
}

/** The POST /v1/traces URL (OTLP/HTTP) of the same server, from a base URL or its /spans URL. */
export function otlpEndpoint(url: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/+$/, "").replace(/\/spans$/, "")}/v1/traces`;
  return u.toString();
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
  const answer = await post(o.url, { headers, body: o.body, timeoutMs: o.timeoutMs });
  if (answer.kind === "error") {
    const err = answer.error;
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return retryable(`POST ${o.url}: ${cause ?? (err as Error).name ?? String(err)}`);
  }
  const msg = `POST ${o.url}: HTTP ${answer.status} ${errorText(answer.text)}`;
  if (answer.status === 413) return { kind: "too_large", error: msg };
  const result = statusResult(answer.status, msg, answer.headers, (o.now ?? Date.now)());
  // the SDK's results carry no status: SUCCESS and friends stay the shapes users compare with
  if (result.kind === "success") return SUCCESS;
  return result.kind === "retryable" ? retryable(result.error, result.afterMs) : failure(result.error);
}
