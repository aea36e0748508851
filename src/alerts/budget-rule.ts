// The `budget` field of an alert rule: validation and the rule fields a budget fixes.

import type { Budget } from "./budget.js";
import type { RuleError } from "./delivery-spec.js";
import { isTimeZone, PERIODS, type Period } from "./period.js";

/** The metrics a budget can be on: spend in USD, or tokens. */
export const BUDGET_METRICS = ["total_cost", "total_tokens"] as const;
const DEFAULT_WARN_AT = [0.8, 0.95];
const BUDGET_KEYS = ["period", "amount", "timezone", "warn_at"];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a rule's `budget` ({ period, amount, timezone?, warn_at? }) and what a budget rule
 * leaves out: the metric is total_cost or total_tokens, and op, threshold, window and
 * cooldown are fixed by the budget (a rule's canonical form repeats them, and is accepted
 * again). Returns the budget with its defaults (timezone UTC, warn_at [0.8, 0.95]), or null
 * after recording the problems.
 */
export function checkBudget(input: Record<string, unknown>, errors: RuleError[]): Budget | null {
  const b = input.budget;
  const before = errors.length;
  if (!isObject(b)) {
    errors.push({ path: "budget", message: 'must be an object such as {"period": "month", "amount": 500}' });
    return null;
  }
  for (const key of Object.keys(b)) {
    if (!BUDGET_KEYS.includes(key))
      errors.push({ path: `budget.${key}`, message: `unknown field; known: ${BUDGET_KEYS.join(", ")}` });
  }
  if (!PERIODS.includes(b.period as Period)) {
    errors.push({ path: "budget.period", message: `must be one of ${PERIODS.join(", ")}` });
  }
  if (typeof b.amount !== "number" || !Number.isFinite(b.amount) || b.amount <= 0) {
    errors.push({
      path: "budget.amount",
      message: "must be a number > 0 (USD for total_cost, tokens for total_tokens)",
    });
  }
  const timezone = b.timezone ?? "UTC";
  if (typeof timezone !== "string" || !isTimeZone(timezone)) {
    errors.push({ path: "budget.timezone", message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"' });
  }
  const warnAt = b.warn_at ?? DEFAULT_WARN_AT;
  const fractions = Array.isArray(warnAt) ? warnAt : [];
  if (
    !Array.isArray(warnAt) ||
    fractions.some((f) => typeof f !== "number" || !(f > 0 && f < 1)) ||
    new Set(fractions).size !== fractions.length
  ) {
    errors.push({
      path: "budget.warn_at",
      message: "must be a list of distinct fractions between 0 and 1, such as [0.8, 0.95]",
    });
  }
  if (input.metric !== undefined && !(BUDGET_METRICS as readonly unknown[]).includes(input.metric)) {
    errors.push({ path: "metric", message: `a budget is on ${BUDGET_METRICS.join(" or ")}` });
  }
  if (errors.length > before) return null;
  const budget: Budget = {
    period: b.period as Period,
    amount: b.amount as number,
    timezone: timezone as string,
    warn_at: [...(fractions as number[])].sort((x, y) => x - y),
  };
  // what the budget fixes may be given only as the budget's canonical rule states it
  const fixed: Record<string, unknown> = {
    op: "gte",
    threshold: budget.amount,
    window: budget.period,
    cooldown: budget.period,
  };
  for (const [key, value] of Object.entries(fixed)) {
    if (input[key] !== undefined && input[key] !== value) {
      errors.push({
        path: key,
        message: "a budget rule has none: the budget's amount, warn_at and period say when it notifies",
      });
    }
  }
  if (input.send_resolved === true) {
    errors.push({
      path: "send_resolved",
      message: "a budget notifies each threshold once per period; nothing resolves",
    });
  }
  return errors.length > before ? null : budget;
}
