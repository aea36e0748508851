import { textProblem } from "../schema/span.js";
import { identityProblem } from "../span/normalize.js";
import { SESSION_KEYS, USER_KEYS } from "./conventions.js";
import type { OtlpValue } from "./read.js";

type Attrs = Record<string, OtlpValue>;

/** A session or user id as POST /spans takes it: trimmed text (or an integer) of 1-256 characters. */
function identity(v: OtlpValue | undefined): string | null {
  const s = typeof v === "string" ? v.trim() : typeof v === "number" && Number.isSafeInteger(v) ? String(v) : null;
  if (s === null || identityProblem(s) !== null || textProblem(s) !== null) return null;
  return s;
}

/** The first key of `keys` holding a usable id: on the span, else on its resource. */
function pick(span: Attrs, resource: Attrs, keys: readonly string[], used: Set<string>): string | null {
  for (const k of keys) {
    const v = identity(span[k]);
    if (v !== null) {
      used.add(k);
      return v;
    }
  }
  for (const k of keys) {
    const v = identity(resource[k]);
    if (v !== null) return v;
  }
  return null;
}

/**
 * session_id and user_id of an OTLP span, by the precedence of SESSION_KEYS and USER_KEYS:
 * the first span attribute holding a usable value wins, then the same keys on the resource.
 * A value that cannot be one (empty, longer than 256 characters, not text or an integer) is
 * passed over, never a reason to refuse the span, and stays an attribute. The span attribute
 * that became the field is added to `used` (left out of the attributes, as other promoted
 * keys are); resource attributes are never span attributes anyway.
 *
 * @example identityOf({ "session.id": "c-1", "enduser.id": "u-1" }, {}, new Set()) // { session_id: "c-1", user_id: "u-1" }
 */
export function identityOf(
  span: Attrs,
  resource: Attrs,
  used: Set<string>,
): { session_id: string | null; user_id: string | null } {
  return {
    session_id: pick(span, resource, SESSION_KEYS, used),
    user_id: pick(span, resource, USER_KEYS, used),
  };
}
