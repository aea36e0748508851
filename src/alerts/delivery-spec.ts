import { parseDuration } from "../util/duration.js";

const DELIVERY_TYPES = ["http", "slack", "pagerduty", "log"] as const;
const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;

/** Per-attempt timeout when a delivery does not set one. */
export const DEFAULT_DELIVERY_TIMEOUT = "10s";

export interface HttpDelivery {
  type: "http";
  url: string;
  /** Extra request headers, e.g. Authorization for the receiver. */
  headers?: Record<string, string>;
  timeout?: string;
}
export interface SlackDelivery {
  type: "slack";
  url: string;
  timeout?: string;
}
export interface PagerDutyDelivery {
  type: "pagerduty";
  routing_key: string;
  /** Events API v2 endpoint; overridable for tests and EU accounts. */
  url?: string;
  severity?: (typeof PAGERDUTY_SEVERITIES)[number];
  timeout?: string;
}
export interface LogDelivery {
  type: "log";
}
export type Delivery = HttpDelivery | SlackDelivery | PagerDutyDelivery | LogDelivery;

const FIELDS: Record<Delivery["type"], readonly string[]> = {
  http: ["type", "url", "headers", "timeout"],
  slack: ["type", "url", "timeout"],
  pagerduty: ["type", "routing_key", "url", "severity", "timeout"],
  log: ["type"],
};

export interface RuleError {
  /** Field path inside the rule: "threshold", "delivery.url", "filter.attr.x". */
  path: string;
  message: string;
}

function httpUrl(v: unknown, path: string, errors: RuleError[]): string | null {
  if (typeof v !== "string") {
    errors.push({ path, message: v === undefined ? "is required" : "must be an http(s) URL" });
    return null;
  }
  try {
    const u = new URL(v);
    if ((u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "") return v;
  } catch {
    // reported below
  }
  errors.push({ path, message: "must be an http(s) URL" });
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks `delivery`; absent means `{type: "log"}`. Pushes errors and returns null when invalid. */
export function validateDelivery(v: unknown, errors: RuleError[]): Delivery | null {
  if (v === undefined || v === null) return { type: "log" };
  if (!isRecord(v)) {
    errors.push({ path: "delivery", message: 'must be an object such as {"type": "http", "url": "https://..."}' });
    return null;
  }
  const type = v.type;
  if (typeof type !== "string" || !(DELIVERY_TYPES as readonly string[]).includes(type)) {
    errors.push({ path: "delivery.type", message: `must be one of ${DELIVERY_TYPES.join(", ")}` });
    return null;
  }
  const t = type as Delivery["type"];
  const before = errors.length;
  for (const key of Object.keys(v)) {
    if (!FIELDS[t].includes(key)) {
      errors.push({ path: `delivery.${key}`, message: `unknown field for ${t}; known: ${FIELDS[t].join(", ")}` });
    }
  }
  let timeout: string | undefined;
  if (v.timeout !== undefined) {
    if (typeof v.timeout === "string" && parseDuration(v.timeout) !== null) timeout = v.timeout;
    else errors.push({ path: "delivery.timeout", message: 'must be a duration such as "5s"' });
  }
  const withTimeout = <D extends Delivery>(d: D): D => (timeout === undefined ? d : { ...d, timeout });
  let out: Delivery | null = null;
  if (t === "log") out = { type: "log" };
  else if (t === "http" || t === "slack") {
    const url = httpUrl(v.url, "delivery.url", errors);
    let headers: Record<string, string> | undefined;
    if (t === "http" && v.headers !== undefined) {
      if (isRecord(v.headers) && Object.values(v.headers).every((h) => typeof h === "string")) {
        headers = { ...(v.headers as Record<string, string>) };
      } else errors.push({ path: "delivery.headers", message: "must be an object of string header values" });
    }
    if (url !== null) {
      out =
        t === "slack"
          ? withTimeout({ type: "slack", url })
          : withTimeout({ type: "http", url, ...(headers && { headers }) });
    }
  } else {
    const key = v.routing_key;
    if (typeof key !== "string" || key.trim() === "") {
      errors.push({ path: "delivery.routing_key", message: "must be the integration's routing key" });
    }
    const url = v.url === undefined ? undefined : httpUrl(v.url, "delivery.url", errors);
    const severity = v.severity;
    if (severity !== undefined && !(PAGERDUTY_SEVERITIES as readonly unknown[]).includes(severity)) {
      errors.push({ path: "delivery.severity", message: `must be one of ${PAGERDUTY_SEVERITIES.join(", ")}` });
    }
    if (typeof key === "string" && url !== null) {
      out = withTimeout({
        type: "pagerduty",
        routing_key: key.trim(),
        ...(url !== undefined && { url }),
        ...(severity !== undefined && { severity: severity as PagerDutyDelivery["severity"] }),
      });
    }
  }
  return errors.length > before ? null : out;
}

/** The receiver URL of a delivery (PagerDuty's default endpoint when not overridden); null for log. */
export function deliveryUrl(d: Delivery): string | null {
  if (d.type === "log") return null;
  if (d.type === "pagerduty") return d.url ?? PAGERDUTY_EVENTS_URL;
  return d.url;
}

/** The host of a URL as compared with alerts.allowed_hosts: lower case, IPv6 without brackets. */
export function urlHost(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, "");
}

/** Whether an alerts.allowed_hosts list names `host`: exactly, or through a "*.example.com" entry. */
export function hostListed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return allowed.some((entry) => (entry.startsWith("*.") ? h.endsWith(entry.slice(1)) : h === entry));
}

/**
 * Whether `alerts.allowed_hosts` lets an API-created rule send to this delivery: an entry
 * matches the URL's host exactly, or "*.example.com" matches its subdomains.
 */
export function hostAllowed(d: Delivery, allowed: readonly string[] | null): boolean {
  const url = deliveryUrl(d);
  if (allowed === null || url === null) return true;
  return hostListed(urlHost(url), allowed);
}

/**
 * A receiver URL as shown in GET /alerts and in logs: user name, password and fragment
 * dropped, the query string (where webhook keys often travel) replaced by "?…".
 *
 * @example redactUrl("https://u:p@hooks.example.com/path?api_key=s") // "https://hooks.example.com/path?…"
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

/** The delivery as GET /alerts shows it: secrets (headers, routing key, Slack webhook path) masked. */
export function redactDelivery(d: Delivery): Record<string, unknown> {
  switch (d.type) {
    case "log":
      return { type: "log" };
    case "http":
      return {
        ...d,
        url: redactUrl(d.url),
        ...(d.headers && { headers: Object.fromEntries(Object.keys(d.headers).map((k) => [k, "***"])) }),
      };
    case "slack":
      return { ...d, url: `${new URL(d.url).origin}/***` };
    case "pagerduty":
      return { ...d, ...(d.url && { url: redactUrl(d.url) }), routing_key: `***${d.routing_key.slice(-4)}` };
  }
}
