import { ATTR_LIMITS } from "../span/attributes.js";
import type { Attributes } from "../span/types.js";
import type { AttrInput, AttributesInput } from "./types.js";

function put(out: Attributes, key: string, v: string | number | boolean, count: { n: number }): void {
  if (key.length === 0 || key.length > ATTR_LIMITS.maxKeyLength) return;
  if (!Object.hasOwn(out, key)) {
    if (count.n >= ATTR_LIMITS.maxKeys) return;
    count.n++;
  }
  if (typeof v === "string" && v.length > ATTR_LIMITS.maxValueLength) v = v.slice(0, ATTR_LIMITS.maxValueLength);
  if (key === "__proto__")
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  else out[key] = v;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return String(v);
  }
}

function walk(src: Record<string, AttrInput>, prefix: string, out: Attributes, depth: number, c: { n: number }): void {
  for (const k of Object.keys(src)) {
    const key = prefix === "" ? k : `${prefix}.${k}`;
    const v = src[k];
    if (typeof v === "string" || typeof v === "boolean") put(out, key, v, c);
    else if (typeof v === "number") {
      if (Number.isFinite(v)) put(out, key, v, c);
    } else if (Array.isArray(v)) put(out, key, safeJson(v), c);
    else if (typeof v === "object" && v !== null) {
      if (depth < 8) walk(v as Record<string, AttrInput>, key, out, depth + 1, c);
      else put(out, key, safeJson(v), c);
    } else if (typeof v === "bigint") put(out, key, String(v), c);
  }
}

/**
 * Merges user attributes into `out`, forced inside the server's bounds so a batch is never
 * rejected for one span: nested objects become dotted keys, arrays JSON text, long values
 * are truncated, non-finite numbers and keys past the limits are dropped. Never throws.
 *
 * @example mergeAttributes({}, { user: { tier: "pro" }, tags: ["a"] }) // { "user.tier": "pro", tags: '["a"]' }
 */
export function mergeAttributes(out: Attributes, attrs: AttributesInput | undefined): Attributes {
  if (attrs === null || typeof attrs !== "object") return out;
  try {
    walk(attrs, "", out, 0, { n: Object.keys(out).length });
  } catch {
    // A getter that throws or a revoked proxy must not reach the host app.
  }
  return out;
}
