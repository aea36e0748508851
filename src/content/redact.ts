import { REDACT_PRESETS, rulePattern } from "../config/redact-rules.js";
import { PRESET_LABELS, PRESETS } from "./presets.js";
import type { PresetName, RedactRule } from "./types.js";

/** A redaction hook of the SDK: gets each text, returns it with whatever it masked. */
export type RedactHook = (text: string) => string;

interface Compiled {
  re: RegExp;
  replacement: string;
  accept?: (m: string) => boolean;
  hint?: (text: string) => boolean;
  keepPrefix?: true;
}

/** Applies a fixed list of rules to text and to JSON content; counts what it replaced. */
export interface Redactor {
  /** The text with every match replaced, and how many matches were replaced. */
  text(s: string): { text: string; count: number };
  /**
   * The JSON value with every string redacted except `type` and `role` values: arrays and
   * objects holding a change are copied, the rest are returned as they are (not copied).
   */
  value<T>(v: T): { value: T; count: number };
  /** True when no rule is set: callers can skip the copy. */
  readonly empty: boolean;
}

function compile(rules: readonly RedactRule[]): Compiled[] {
  const presets = new Set(rules.filter((r): r is PresetName => typeof r === "string"));
  const out: Compiled[] = [];
  // Presets run in a fixed order (secrets, credit_card, email, ip, phone): a card number is
  // not half-eaten as a phone number. Custom rules follow, as listed.
  for (const name of REDACT_PRESETS) {
    if (!presets.has(name)) continue;
    for (const p of PRESETS[name]) out.push({ ...p, replacement: `[REDACTED:${PRESET_LABELS[name]}]` });
  }
  rules.forEach((r, i) => {
    if (typeof r !== "string")
      out.push({ re: rulePattern(r, `redact[${i}]`), replacement: r.replacement ?? "[REDACTED]" });
  });
  return out;
}

// Values of these keys are part of the shape (role names, part types), never user text.
const SHAPE_KEYS = new Set(["type", "role"]);

/**
 * Builds a redactor from checked rules (config/redact-rules.ts) and an optional hook that runs last.
 *
 * @example createRedactor(["email"]).text("mail bob@example.com") // { text: "mail [REDACTED:email]", count: 1 }
 */
export function createRedactor(rules: readonly RedactRule[], hook?: RedactHook): Redactor {
  const compiled = compile(rules);
  const text = (s: string): { text: string; count: number } => {
    let count = 0;
    let out = s;
    for (const c of compiled) {
      if (c.hint !== undefined && !c.hint(out)) continue;
      c.re.lastIndex = 0;
      if (!c.re.test(out)) continue;
      c.re.lastIndex = 0;
      out = out.replace(c.re, (m: string, p1: unknown) => {
        if (c.accept !== undefined && !c.accept(m)) return m;
        count++;
        return c.keepPrefix && typeof p1 === "string" ? p1 + c.replacement : c.replacement;
      });
    }
    if (hook !== undefined) {
      const h = hook(out);
      if (typeof h === "string" && h !== out) {
        count++;
        out = h;
      }
    }
    return { text: out, count };
  };
  const value = <T>(v: T): { value: T; count: number } => {
    let count = 0;
    // Copy on write: an array or object comes back as itself when nothing in it changed,
    // which most content is (no allocation, nothing for the collector).
    const walk = (x: unknown): unknown => {
      if (typeof x === "string") {
        const r = text(x);
        count += r.count;
        return r.text;
      }
      if (Array.isArray(x)) {
        let copy: unknown[] | null = null;
        for (let i = 0; i < x.length; i++) {
          const v2 = walk(x[i]);
          if (v2 !== x[i]) {
            copy ??= x.slice();
            copy[i] = v2;
          }
        }
        return copy ?? x;
      }
      if (typeof x === "object" && x !== null) {
        let copy: Record<string, unknown> | null = null;
        for (const [k, val] of Object.entries(x)) {
          const v2 = SHAPE_KEYS.has(k) && typeof val === "string" ? val : walk(val);
          if (v2 === val) continue;
          copy ??= { ...x };
          // a "__proto__" key must stay data, never become the prototype
          if (k === "__proto__") Object.defineProperty(copy, k, { value: v2, enumerable: true, writable: true });
          else copy[k] = v2;
        }
        return copy ?? x;
      }
      return x;
    };
    return { value: walk(v) as T, count };
  };
  return { text, value, empty: compiled.length === 0 && hook === undefined };
}
