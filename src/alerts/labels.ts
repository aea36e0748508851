import { createHash } from "node:crypto";
import type { GroupLabels } from "./evaluate.js";
import type { AlertRule } from "./rule.js";

/** Label names a receiver can route on: Prometheus rules (letters, digits, underscore). */
function labelName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * The labels that identify a rule's alert: its name, its metric (and score name), its filter
 * (`attr.workflow` becomes `attr_workflow`) and, for a group-by rule, the group
 * (`user_id="u1"`). Threshold and window are not labels, so tuning a rule keeps its identity.
 */
export function ruleLabels(rule: AlertRule, group?: GroupLabels): Record<string, string> {
  const labels: Record<string, string> = { alertname: rule.name, metric: rule.metric };
  if (rule.score !== undefined) labels.score = rule.score;
  for (const [key, value] of Object.entries(rule.filter)) labels[labelName(key)] = value;
  for (const [key, value] of Object.entries(group ?? {})) labels[labelName(key)] = value;
  labels.source = "tokentrace";
  return labels;
}

/**
 * A stable 16-hex-digit hash of the rule's labels: the Alertmanager `fingerprint` and the
 * PagerDuty `dedup_key`, so every notification of one rule lands on the same incident.
 *
 * @example fingerprint(rule) // "9c1f0a6e2b7d4c38"
 */
export function fingerprint(rule: AlertRule, group?: GroupLabels): string {
  const labels = ruleLabels(rule, group);
  const canonical = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/**
 * The stable id of one firing episode of a rule: a hash of its fingerprint and of when the
 * episode began (`firing_since`, written to the store before any notification of it is sent).
 * Every notification of the episode carries it — the first, reminders after the cooldown and
 * the resolved one — whichever server sends it, so after a leader change a receiver can drop
 * one it already has (keyed on id and status). It is PagerDuty's `dedup_key`. The rule, its
 * group (for a group-by rule) and the start are the whole identity; a budget's message adds
 * the threshold it reached (its start is the period's).
 *
 * @example alertId(rule, Date.parse("2026-03-15T15:00:00Z")) // "4be1c0f7a5d2e913"
 */
export function alertId(rule: AlertRule, firingSince: number, group?: GroupLabels, threshold?: number): string {
  // a budget's thresholds in one period are separate messages, each its own id
  const tail = threshold === undefined ? "" : `:${threshold}`;
  return createHash("sha256")
    .update(`${fingerprint(rule, group)}:${firingSince}${tail}`)
    .digest("hex")
    .slice(0, 16);
}
