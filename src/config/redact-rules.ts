/** Redaction preset names (content.redact in tokentrace.yml, `redact` in the SDK). */
export const REDACT_PRESETS = ["secrets", "credit_card", "email", "ip", "phone"] as const;
export type PresetName = (typeof REDACT_PRESETS)[number];

/** A custom rule: every match of `pattern` (a regular expression) becomes `replacement` (default "[REDACTED]"). */
export interface CustomRule {
  pattern: string | RegExp;
  replacement?: string;
}

export type RedactRule = PresetName | CustomRule;

function isPresetName(v: unknown): v is PresetName {
  return typeof v === "string" && (REDACT_PRESETS as readonly string[]).includes(v);
}

/** A rule that cannot be used; `path` says which (`[2].pattern`), relative to the list. */
export class RedactRuleError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** The rule's pattern as a global RegExp; throws RedactRuleError when it is unusable. */
export function rulePattern(r: CustomRule, path: string): RegExp {
  let re: RegExp;
  if (r.pattern instanceof RegExp) {
    re = new RegExp(r.pattern.source, r.pattern.flags.includes("g") ? r.pattern.flags : `${r.pattern.flags}g`);
  } else if (typeof r.pattern === "string" && r.pattern !== "") {
    try {
      re = new RegExp(r.pattern, "g");
    } catch (e) {
      throw new RedactRuleError(`${path}.pattern`, `not a valid regular expression: ${(e as Error).message}`);
    }
  } else {
    throw new RedactRuleError(`${path}.pattern`, "must be a non-empty regular expression");
  }
  // A pattern matching "" would "redact" between every character.
  if (re.test("")) throw new RedactRuleError(`${path}.pattern`, "matches the empty string");
  re.lastIndex = 0;
  return re;
}

/**
 * Checks a list of preset names and `{ pattern, replacement }` rules; a comma-separated
 * string of preset names is accepted too (environment variables are text). Throws
 * RedactRuleError naming the bad entry.
 */
export function checkRedactRules(rules: unknown): RedactRule[] {
  const list =
    typeof rules === "string"
      ? rules
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "")
      : rules;
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list))
    throw new RedactRuleError("", "must be a list of preset names and { pattern, replacement } rules");
  return list.map((r: unknown, i): RedactRule => {
    if (typeof r === "string") {
      if (!isPresetName(r))
        throw new RedactRuleError(
          `[${i}]`,
          `unknown preset ${JSON.stringify(r)}; use one of ${REDACT_PRESETS.join(", ")}`,
        );
      return r;
    }
    if (typeof r === "object" && r !== null && !Array.isArray(r)) {
      const extra = Object.keys(r).filter((k) => k !== "pattern" && k !== "replacement");
      if (extra.length > 0)
        throw new RedactRuleError(`[${i}].${extra[0]}`, "unknown key; a rule has pattern and replacement");
      const pattern = "pattern" in r ? r.pattern : undefined;
      const replacement = "replacement" in r ? r.replacement : undefined;
      if (typeof pattern !== "string" && !(pattern instanceof RegExp))
        throw new RedactRuleError(`[${i}].pattern`, "must be a non-empty regular expression");
      const rule: CustomRule = { pattern };
      rulePattern(rule, `[${i}]`);
      if (replacement !== undefined && typeof replacement !== "string")
        throw new RedactRuleError(`[${i}].replacement`, "must be a string");
      if (replacement !== undefined) rule.replacement = replacement;
      return rule;
    }
    throw new RedactRuleError(`[${i}]`, "must be a preset name or { pattern, replacement }");
  });
}
