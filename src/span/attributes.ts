import type { Attributes } from "./types.js";

/** Bounds on one span's attributes (after flattening); past them the span is a 400. */
export const ATTR_LIMITS = { maxKeys: 128, maxKeyLength: 256, maxValueLength: 4096 } as const;

/** Thrown by flattenAttributes; the caller prefixes the span index. */
export class AttrError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function put(out: Attributes, key: string, value: string | number | boolean): void {
  // A "__proto__" key from JSON.parse is an own property; plain assignment would drop it.
  if (key === "__proto__")
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Flattens src into out; returns how many keys out holds afterwards (`count` before). */
function walk(src: Record<string, unknown>, prefix: string, out: Attributes, count: number): number {
  for (const k in src) {
    if (!Object.hasOwn(src, k)) continue;
    const key = prefix === "" ? k : `${prefix}.${k}`;
    if (k === "") throw new AttrError(`attributes.${key}`, "attribute keys must not be empty");
    if (key.length > ATTR_LIMITS.maxKeyLength) {
      throw new AttrError(`attributes.${key.slice(0, 40)}…`, `key longer than ${ATTR_LIMITS.maxKeyLength} characters`);
    }
    const v = src[k];
    if (typeof v === "string") {
      if (v.length > ATTR_LIMITS.maxValueLength) {
        throw new AttrError(`attributes.${key}`, `value longer than ${ATTR_LIMITS.maxValueLength} characters`);
      }
    } else if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new AttrError(`attributes.${key}`, "must be a finite number");
    } else if (typeof v === "boolean") {
      // fine as is
    } else if (v === null || v === undefined) {
      continue; // OTel drops null attribute values; so do we
    } else if (isPlainObject(v)) {
      count = walk(v, key, out, count);
      continue;
    } else if (Array.isArray(v)) {
      throw new AttrError(`attributes.${key}`, "arrays are not supported; use a string (e.g. JSON) or nested keys");
    } else {
      throw new AttrError(`attributes.${key}`, "must be a string, number, boolean or object");
    }
    if (Object.hasOwn(out, key))
      throw new AttrError(`attributes.${key}`, "duplicate key after flattening nested objects");
    if (++count > ATTR_LIMITS.maxKeys) throw new AttrError("attributes", `more than ${ATTR_LIMITS.maxKeys} keys`);
    put(out, key, v);
  }
  return count;
}

/**
 * Validates and flattens span attributes: nested objects become dotted keys
 * ({"a": {"b": 1}} → {"a.b": 1}), null values are dropped, arrays and other types are
 * rejected. Throws AttrError naming the offending key.
 *
 * @example flattenAttributes({ user: { tier: "pro" } }) // { "user.tier": "pro" }
 */
export function flattenAttributes(raw: unknown): Attributes {
  const out: Attributes = {};
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) throw new AttrError("attributes", "must be an object");
  walk(raw, "", out, 0);
  return out;
}
