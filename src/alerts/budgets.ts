// GET /budgets and GET /budgets/{name}: each budget rule's standing this period, read live
// from the store (the same figures the rule evaluates), per group for a group_by rule.
import { ApiError } from "../errors.js";
import { groupingOf } from "../metrics/params.js";
import { metricValue, metricValuesByGroup } from "../metrics/query.js";
import type { Store } from "../store/store.js";
import { type BudgetFigures, budgetFigures, budgetPeriod } from "./budget.js";
import type { RuleEntry } from "./registry.js";
import { type AlertRule, DEFAULT_MAX_GROUPS, toSpanFilter } from "./rule.js";

type BudgetRule = AlertRule & { budget: NonNullable<AlertRule["budget"]> };

const iso = (ms: number) => new Date(ms).toISOString();

function figuresView(f: BudgetFigures): Record<string, unknown> {
  return {
    spent: f.spent,
    remaining: f.remaining,
    fraction: f.fraction,
    projected: Number(f.projected.toPrecision(12)),
    period_start: iso(f.period_start),
    resets_at: iso(f.resets_at),
  };
}

function head(rule: BudgetRule): Record<string, unknown> {
  const b = rule.budget;
  return {
    name: rule.name,
    metric: rule.metric,
    period: b.period,
    timezone: b.timezone,
    amount: b.amount,
    warn_at: b.warn_at,
    filter: rule.filter,
    ...(rule.group_by !== undefined && { group_by: rule.group_by }),
  };
}

/** The span query of a budget's period so far at `now` (the window the rule evaluates). */
function periodQuery(rule: BudgetRule, now: number, extra: Record<string, string> = {}) {
  const windowMs = now - budgetPeriod(rule.budget, now).start + 1;
  const filter = toSpanFilter({ ...rule.filter, ...extra });
  return { metric: rule.metric, windowMs, filter };
}

async function standing(store: Store, rule: BudgetRule, now: number): Promise<Record<string, unknown>> {
  const key = rule.group_by?.[0];
  if (key === undefined) {
    const r = await metricValue(store, periodQuery(rule, now), now);
    return { ...head(rule), ...figuresView(budgetFigures(rule.budget, r.value ?? 0, now)) };
  }
  const rows = await metricValuesByGroup(store, { ...periodQuery(rule, now), groupBy: groupingOf(key).groupBy }, now);
  const ranked = rows.sort((a, b) => (b.value ?? 0) - (a.value ?? 0) || (a.group < b.group ? -1 : 1));
  const cap = rule.max_groups ?? DEFAULT_MAX_GROUPS;
  const period = budgetPeriod(rule.budget, now);
  return {
    ...head(rule),
    period_start: iso(period.start),
    resets_at: iso(period.end),
    // every group has the whole amount; the ones furthest into it first
    groups: ranked.slice(0, cap).map((r) => ({
      group: { [key]: r.group },
      ...figuresView(budgetFigures(rule.budget, r.value ?? 0, now)),
    })),
    groups_total: ranked.length,
    truncated: ranked.length > cap,
  };
}

const budgetRules = (entries: Iterable<RuleEntry>) =>
  [...entries].map((e) => e.rule).filter((r): r is BudgetRule => r.budget !== undefined);

/** GET /budgets: every budget rule, its period so far and, per group, what each has spent. */
export async function listBudgets(store: Store, entries: Iterable<RuleEntry>, now: number) {
  return { budgets: await Promise.all(budgetRules(entries).map((r) => standing(store, r, now))) };
}

/**
 * GET /budgets/{name}[?KEY=value]: one budget's figures; for a group_by rule, of the group the
 * query names (`?user_id=u1`: that user's spend against the amount, 0 spent when none yet).
 */
export async function readBudget(
  store: Store,
  entry: RuleEntry | undefined,
  name: string,
  query: Record<string, unknown>,
  now: number,
): Promise<Record<string, unknown>> {
  const rule = entry?.rule;
  if (rule?.budget === undefined) throw new ApiError("budget_not_found", `no budget named "${name}"`);
  const r = rule as BudgetRule;
  const key = r.group_by?.[0];
  const params = Object.keys(query);
  const unknown = params.find((p) => p !== key);
  if (unknown !== undefined) {
    throw new ApiError(
      "invalid_query",
      key === undefined
        ? `${unknown}: unknown query parameter; this budget has no group_by`
        : `${unknown}: unknown query parameter; this budget is per ${key}`,
    );
  }
  if (key === undefined) return standing(store, r, now);
  const value = query[key];
  if (typeof value !== "string" || value === "") {
    throw new ApiError("invalid_query", `${key}: required once: this budget is per ${key} (?${key}=...)`);
  }
  const g = groupingOf(key).groupBy;
  const m = await metricValue(store, periodQuery(r, now, { ["attr" in g ? `attr.${g.attr}` : g.column]: value }), now);
  return { ...head(r), group: { [key]: value }, ...figuresView(budgetFigures(r.budget, m.value ?? 0, now)) };
}
