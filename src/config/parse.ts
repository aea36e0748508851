// Checks of single config values (from YAML, an env var or a flag): each returns the typed value or a message.
import { SPAN_SCHEMA } from "../schema/span.js";
import { parseDuration } from "../util/duration.js";
import { parseAddr } from "./addr.js";
import { checkRedactRules, type RedactRule, RedactRuleError } from "./redact-rules.js";

/**
 * Checks one config value (from YAML, an env var or a flag); returns the typed value or a
 * message. A value that is accepted but deserves a note (something redundant) carries a warning.
 */
export type Parse<T> = (v: unknown) => { ok: true; value: T; warning?: string } | { ok: false; message: string };

const ok = <T>(value: T, warning?: string) => ({ ok: true as const, value, ...(warning !== undefined && { warning }) });
const bad = (message: string) => ({ ok: false as const, message });

export const string: Parse<string> = (v) =>
  typeof v === "string" && v.trim() !== "" ? ok(v) : bad("must be a non-empty string");

/** A string, or null when absent/empty ("" happens when an unset ${VAR} was substituted). */
export const optString: Parse<string | null> = (v) => {
  if (v === null || v === undefined || v === "") return ok(null);
  return typeof v === "string" ? ok(v) : bad("must be a string");
};

/** Integer >= 1; numeric strings are accepted because environment variables are text. */
export const positiveInt: Parse<number> = (v) => {
  const n = typeof v === "string" && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 1 ? ok(n) : bad("must be an integer >= 1");
};

/** Finite number >= 0 (numeric strings accepted). */
export const nonNegative: Parse<number> = (v) => {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? ok(n) : bad("must be a number >= 0");
};

/** A Go/Prometheus duration ("30s", "1h30m", "30d") → milliseconds. */
export const duration: Parse<number> = (v) => {
  const ms = typeof v === "string" ? parseDuration(v) : null;
  return ms === null ? bad('must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y') : ok(ms);
};

/** The scheduled export's period: a duration of at least one second (one file per period). */
export const exportEvery: Parse<number> = (v) => {
  const r = duration(v);
  if (!r.ok) return r;
  return r.value >= 1000 ? r : bad('must be at least 1s, e.g. "1h" or "1d"');
};

/** An HTTP server timeout: a duration from 1s to 1h (a timeout cannot be switched off). */
export const serverTimeout: Parse<number> = (v) => {
  const r = duration(v);
  if (!r.ok) return r;
  return r.value >= 1000 && r.value <= 3_600_000 ? r : bad('must be from 1s to 1h, e.g. "30s"');
};

export function oneOf<T extends string>(values: readonly T[]): Parse<T> {
  return (v) => {
    const found = values.find((x) => x === v);
    return found !== undefined ? ok(found) : bad(`must be one of ${values.join(", ")}`);
  };
}

export const addr: Parse<string> = (v) => {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535) return ok(`:${v}`);
  const text = typeof v === "string" ? v.trim() : null;
  // parseAddr's form, without blanks inside the host
  if (text === null || /\s/.test(text) || parseAddr(text) === null) {
    return bad('must be host:port, e.g. ":9090" or "127.0.0.1:9090"');
  }
  return ok(text);
};

export const optAddr: Parse<string | null> = (v) => (v === null || v === undefined || v === "" ? ok(null) : addr(v));

// Span fields a dimension may not shadow: they are rolled up (or filtered) as columns already.
const BUILT_IN: ReadonlySet<string> = new Set(SPAN_SCHEMA.map((f) => f.name));
// Span fields that older docs told users to declare as attribute dimensions: accepted, dropped.
const ONCE_ATTRIBUTES: ReadonlySet<string> = new Set(["user_id", "session_id"]);

/**
 * metrics.dimensions: attribute keys (a list, or comma-separated from an env var). A key is
 * 1-128 printable characters without spaces, not a built-in span field, listed once.
 * `user_id` and `session_id` were attribute keys before they became span fields: they are
 * accepted as redundant, left out of the list, with a warning.
 */
export const dimensionList: Parse<string[]> = (v) => {
  if (v === null || v === undefined || v === "") return ok([]);
  const list = typeof v === "string" ? v.split(",").map((s) => s.trim()) : v;
  if (!Array.isArray(list)) return bad("must be a list of attribute keys, e.g. [workflow, tenant]");
  const keys: string[] = [];
  const dropped: string[] = [];
  for (const k of list) {
    if (typeof k !== "string" || !/^[^\s\p{Cc}]{1,128}$/u.test(k)) {
      return bad(`${JSON.stringify(k)} is not an attribute key (1-128 characters, no spaces)`);
    }
    if (keys.includes(k) || dropped.includes(k)) return bad(`"${k}" is listed twice`);
    if (ONCE_ATTRIBUTES.has(k)) dropped.push(k);
    else if (BUILT_IN.has(k)) return bad(`"${k}" is a built-in span field, not an attribute: group by it directly`);
    else keys.push(k);
  }
  if (dropped.length === 0) return ok(keys);
  const [one, names] = [dropped.length === 1, dropped.join(" and ")];
  const [is, them] = one ? ["is a span field", "it"] : ["are span fields", "them"];
  return ok(
    keys,
    `${names} ${is} now, not ${one ? "an attribute dimension" : "attribute dimensions"}: ignored here (filter and group by ${them} directly); remove ${them} from the list`,
  );
};

/** A list of host names, or a comma-separated string of them (from an env var). */
export const hostList: Parse<string[] | null> = (v) => {
  if (v === null || v === undefined) return ok(null);
  const list =
    typeof v === "string"
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
      : v;
  if (!Array.isArray(list) || !list.every((h) => typeof h === "string" && h.trim() !== "")) {
    return bad("must be a list of host names");
  }
  return ok(list.map((h: string) => h.trim().toLowerCase()));
};

/** true/false (also "true"/"false" from an env var). */
export const boolean: Parse<boolean> = (v) => {
  if (v === true || v === "true") return ok(true);
  if (v === false || v === "false") return ok(false);
  return bad("must be true or false");
};

/** Redaction rules: preset names and { pattern, replacement }, or a comma-separated list of presets. */
export const redactRules: Parse<RedactRule[]> = (v) => {
  try {
    return ok(checkRedactRules(v));
  } catch (e) {
    if (e instanceof RedactRuleError) return bad(e.path === "" ? e.reason : `entry ${e.path}: ${e.reason}`);
    throw e;
  }
};
