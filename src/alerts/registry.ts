import { createHash, randomBytes } from "node:crypto";
import type { JsonObject } from "../store/store.js";
import { type AlertRule, describeErrors, validateRule } from "./rule.js";

/** Where a rule came from: code and config rules are restored from their source on restart. */
export type RuleSource = "code" | "config" | "api";

export interface RuleEntry {
  rule: AlertRule;
  source: RuleSource;
  rule_id: string;
  /** Epoch ms the rule was created through the API; null for code and config rules. */
  created_at: number | null;
}

/** A new API rule id: "alert_" + 8 hex digits. */
export function newRuleId(): string {
  return `alert_${randomBytes(4).toString("hex")}`;
}

/** A stable id for rules that were not created through the API (or stored without one). */
function derivedRuleId(source: RuleSource, name: string): string {
  return `alert_${createHash("sha256").update(`${source}\0${name}`).digest("hex").slice(0, 8)}`;
}

/**
 * Validates the rules given in code (tracer config) and in tokentrace.yml. Any invalid rule
 * or a name used twice is a start-up error listing every problem.
 */
export function staticRules(codeRules: readonly unknown[], configRules: readonly unknown[]): RuleEntry[] {
  const problems: string[] = [];
  const entries: RuleEntry[] = [];
  const seen = new Map<string, string>();
  const add = (source: "code" | "config", list: readonly unknown[]) => {
    list.forEach((input, i) => {
      const where = source === "code" ? `alerts[${i}] (tracer config)` : `alerts.rules[${i}] (tokentrace.yml)`;
      const r = validateRule(input);
      if (!r.ok) {
        problems.push(`${where}: ${describeErrors(r.errors)}`);
        return;
      }
      const other = seen.get(r.rule.name);
      if (other !== undefined) {
        problems.push(`${where}: duplicate rule name "${r.rule.name}" (also ${other})`);
        return;
      }
      seen.set(r.rule.name, where);
      entries.push({ rule: r.rule, source, rule_id: derivedRuleId(source, r.rule.name), created_at: null });
    });
  };
  add("code", codeRules);
  add("config", configRules);
  if (problems.length > 0) throw new Error(`invalid alert rules:\n  ${problems.join("\n  ")}`);
  return entries;
}

/** The stored form of an API rule: the canonical rule plus its id and creation time. */
export function toStored(entry: RuleEntry): JsonObject {
  return {
    ...entry.rule,
    rule_id: entry.rule_id,
    created_at: entry.created_at === null ? null : new Date(entry.created_at).toISOString(),
  };
}

/**
 * Reads API rules back from the store. A stored rule that no longer validates (a metric
 * renamed by an upgrade, a hand edit) is skipped with a warning instead of stopping start-up.
 */
export function storedRules(stored: readonly JsonObject[], warn: (message: string) => void): RuleEntry[] {
  const out: RuleEntry[] = [];
  for (const raw of stored) {
    const { rule_id, created_at, ...rest } = raw;
    const r = validateRule(rest);
    if (!r.ok) {
      warn(`tokentrace: skipping stored alert rule ${JSON.stringify(raw.name)}: ${describeErrors(r.errors)}`);
      continue;
    }
    const created = typeof created_at === "string" ? Date.parse(created_at) : Number.NaN;
    out.push({
      rule: r.rule,
      source: "api",
      rule_id:
        typeof rule_id === "string" && /^alert_[0-9a-f]{8}$/.test(rule_id)
          ? rule_id
          : derivedRuleId("api", r.rule.name),
      created_at: Number.isNaN(created) ? null : created,
    });
  }
  // in creation order, as GET /alerts listed them before the restart
  return out.sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0));
}
