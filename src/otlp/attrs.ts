import { ATTR_LIMITS } from "../span/index.js";
import type { Attributes, AttrValue } from "../span/types.js";
import type { OtlpValue } from "./read.js";

/**
 * OTLP attribute values as tokentrace attributes. Unlike POST /spans, where an oversized
 * attribute is the client's bug and a 400, OTLP spans come from third-party instrumentation
 * (prompts and completions as attributes are common), so limits clip instead of rejecting,
 * as the OTel SDK's own attribute limits do:
 * - kvlists become dotted keys, arrays become their JSON text;
 * - strings longer than ATTR_LIMITS.maxValueLength are cut to that length;
 * - keys longer than maxKeyLength, and keys past maxKeys, are dropped.
 * Sources are read in order (the caller puts the keys it must keep first); keys in `skip`
 * are left out.
 */
export function clipAttributes(sources: Record<string, OtlpValue>[], skip?: ReadonlySet<string>): Attributes {
  const out: Attributes = {};
  let room: number = ATTR_LIMITS.maxKeys;
  const put = (key: string, v: AttrValue) => {
    if (room <= 0 || key.length > ATTR_LIMITS.maxKeyLength || Object.hasOwn(out, key)) return;
    room--;
    // A "__proto__" key must stay an own property; plain assignment would set the prototype.
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true });
    else out[key] = v;
  };
  const walk = (obj: Record<string, OtlpValue>, prefix: string) => {
    for (const k of Object.keys(obj)) {
      if (prefix === "" && skip?.has(k)) continue;
      const key = prefix === "" ? k : `${prefix}.${k}`;
      const v = obj[k];
      if (Array.isArray(v)) put(key, cut(JSON.stringify(v)));
      else if (typeof v === "object") walk(v, key);
      else put(key, typeof v === "string" ? cut(v) : v);
    }
  };
  for (const src of sources) walk(src, "");
  return out;
}

function cut(s: string): string {
  return s.length > ATTR_LIMITS.maxValueLength ? s.slice(0, ATTR_LIMITS.maxValueLength) : s;
}
