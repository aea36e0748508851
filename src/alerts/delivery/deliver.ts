import { parseDuration } from "../../util/duration.js";
import { type RetryHooks, type RetryPolicy, type RetryResult, withRetry } from "../../util/retry.js";
import { DEFAULT_DELIVERY_TIMEOUT, deliveryUrl } from "../delivery-spec.js";
import type { Notification } from "../evaluate.js";
import { alertId } from "../labels.js";
import type { DeliveryOutcome } from "../state.js";
import { pagerDutyPayload, slackPayload, summaryLine, webhookPayload } from "./payloads.js";
import { type AddressGuard, postJson } from "./post.js";

export interface DeliverOptions {
  policy: RetryPolicy;
  hooks: RetryHooks;
  /** Aborts retries and in-flight requests (shutdown). */
  signal: AbortSignal;
  now: () => number;
  /** Where `log` deliveries go (default stderr, see AlertServiceOptions.log). */
  log: (line: string) => void;
  /** Address check for rules created through the API; null for rules the operator wrote. */
  guard?: AddressGuard | null;
  /** Told while a delivery is being retried, so GET /alerts shows it. */
  onProgress?: (outcome: DeliveryOutcome) => void;
}

function requestFor(n: Notification): { body: unknown; headers: Record<string, string> } {
  const d = n.rule.delivery;
  switch (d.type) {
    case "http":
      return { body: webhookPayload(n), headers: d.headers ?? {} };
    case "slack":
      return { body: slackPayload(n), headers: {} };
    case "pagerduty":
      return { body: pagerDutyPayload(n, d), headers: {} };
    case "log":
      return { body: null, headers: {} };
  }
}

function outcome(n: Notification, r: RetryResult, attempts: number, at: number): DeliveryOutcome {
  return {
    status: r.kind === "success" ? "ok" : "failed",
    attempts,
    error: r.kind === "success" ? null : r.error,
    at,
    ...(r.httpStatus !== undefined && { http_status: r.httpStatus }),
    notification: n.status,
  };
}

/**
 * Sends one notification to its rule's receiver, retrying through the one retry wrapper,
 * and reports how it went. Never throws: a failure is an outcome GET /alerts shows.
 */
export async function deliver(n: Notification, o: DeliverOptions): Promise<DeliveryOutcome> {
  const d = n.rule.delivery;
  const url = deliveryUrl(d);
  if (url === null) {
    o.log(`tokentrace alert: ${summaryLine(n)} (id ${alertId(n.rule, n.starts_at, n.group)})`);
    return { status: "ok", attempts: 1, error: null, at: o.now(), notification: n.status };
  }
  const timeoutText = d.type === "log" ? undefined : d.timeout;
  const timeoutMs = parseDuration(timeoutText ?? DEFAULT_DELIVERY_TIMEOUT) ?? 10_000;
  const { body, headers } = requestFor(n);
  const hooks: RetryHooks = {
    ...o.hooks,
    onRetry: (attempt, result, waitMs) => {
      o.hooks.onRetry?.(attempt, result, waitMs);
      o.onProgress?.({ ...outcome(n, result, attempt, o.now()), status: "retrying" });
    },
  };
  try {
    const { result, attempts, stopped } = await withRetry(
      (signal) => postJson(url, body, headers, timeoutMs, signal, o.now, o.guard ?? null),
      o.policy,
      hooks,
      o.signal,
    );
    const last =
      stopped && result.kind === "retryable"
        ? { ...result, error: `${result.error} (stopped: shutting down)` }
        : result;
    return outcome(n, last, attempts, o.now());
  } catch (err) {
    return outcome(n, { kind: "failure", error: String(err) }, 1, o.now());
  }
}
