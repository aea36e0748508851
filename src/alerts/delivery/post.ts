import { type LookupAddress, lookup } from "node:dns";
import { request as httpRequest, type IncomingHttpHeaders, STATUS_CODES } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { statusResult } from "../../util/post.js";
import type { RetryResult } from "../../util/retry.js";
import { refusal } from "./address.js";

/** Which addresses a delivery may reach: null for rules the operator wrote (config, code). */
export interface AddressGuard {
  allowedHosts: readonly string[] | null;
}

class RefusedAddress extends Error {}

// Short reasons for the errors a request can end with; never the receiver's words.
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
};

function describe(err: unknown, timedOut: boolean): string {
  if (timedOut) return "timed out";
  if (err instanceof RefusedAddress) return `refused: ${err.message}`;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === undefined) return "network error";
  if (NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  return /CERT|SSL|TLS/.test(code) ? `TLS error (${code})` : `network error (${code})`;
}

/** A DNS lookup that fails when any address the host resolves to is refused by the guard. */
function checkedLookup(host: string, guard: AddressGuard): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      for (const a of addresses) {
        const why = refusal(host, a.address, guard.allowedHosts);
        if (why !== null) return callback(new RefusedAddress(why), "", 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

function retryAfter(headers: IncomingHttpHeaders): Headers {
  const h = new Headers();
  const value = headers["retry-after"];
  if (typeof value === "string") h.set("retry-after", value);
  return h;
}

/**
 * One JSON POST to a receiver with its own timeout. The outcome carries the status code
 * and a short reason only: the receiver's body is drained unread, so nothing it says (an
 * internal error, a secret) reaches GET /alerts or the log. Redirects are not followed.
 * With a guard, the receiver's address is checked after the DNS lookup and before the
 * connection, on the very address connected to (a name re-pointed between check and
 * connect — DNS rebinding — cannot slip through).
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  now: () => number = Date.now,
  guard: AddressGuard | null = null,
): Promise<RetryResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const timeout = AbortSignal.timeout(timeoutMs);
  const payload = JSON.stringify(body);
  const answer = await new Promise<{ status: number; headers: IncomingHttpHeaders } | { error: unknown }>((resolve) => {
    if (guard !== null && isIP(host) !== 0) {
      const why = refusal(host, host, guard.allowedHosts);
      if (why !== null) return resolve({ error: new RefusedAddress(why) });
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "tokentrace-alerts",
          ...headers,
          "content-length": Buffer.byteLength(payload),
        },
        signal: AbortSignal.any([signal, timeout]),
        ...(guard !== null && { lookup: checkedLookup(host, guard) }),
      },
      (res) => {
        res.on("error", (error) => resolve({ error }));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        res.resume();
      },
    );
    req.on("error", (error) => resolve({ error }));
    req.end(payload);
  });
  if ("error" in answer) {
    const error = describe(answer.error, timeout.aborted);
    // a refused address stays refused: no point in trying again
    if (answer.error instanceof RefusedAddress) return { kind: "failure", error };
    return { kind: "retryable", error, afterMs: null };
  }
  const { status } = answer;
  const error = `HTTP ${status} ${STATUS_CODES[status] ?? ""}`.trim();
  if (status >= 300 && status < 400)
    return { kind: "failure", httpStatus: status, error: `${error} (redirects are not followed)` };
  return statusResult(status, error, retryAfter(answer.headers), now());
}
