// One round of a budget rule: the period's spend so far (per group with group_by) against the
// budget, notifying each threshold once per period. Pure: spend and time are passed in.
import { type BudgetState, budgetFigures, budgetPeriod, evaluateBudget, initialBudgetState } from "./budget.js";
import type { BudgetNotice, Evaluation, GroupLabels, Notification } from "./evaluate.js";
import { groupKey } from "./groups.js";
import type { AlertRule } from "./rule.js";
import { type AlertState, initialState, isSilenced } from "./state.js";

/** One group's (or the whole rule's) spend this period. */
export interface Spend {
  labels: GroupLabels | null;
  spent: number;
  span_count: number;
}

type Rule = AlertRule & { budget: NonNullable<AlertRule["budget"]> };

/** The budget state kept in an AlertState (the rule's own, or a group's). */
function budgetOf(s: AlertState | undefined): BudgetState {
  return s?.budget ?? initialBudgetState();
}

/**
 * Evaluates a budget rule at `now`. Without group_by, `spends` holds one entry (labels null);
 * with it, one per group that spent in the period. Each reaching a threshold it was not told
 * about this period notifies once (the highest, when several are passed at once); silences
 * (the rule's, or a group's in `state.group_silences`) mute the message but still count the
 * threshold as told, so it is not sent when the silence ends. Only groups past their lowest
 * threshold are remembered: nothing else needs remembering, which keeps the state small with
 * thousands of users; past `maxGroups` of them, those with the most spent (groups_total
 * counts them all, and too_many_groups says so).
 */
export function evaluateBudgetRule(
  rule: Rule,
  state: AlertState,
  now: number,
  spends: readonly Spend[],
  maxGroups: number,
): Evaluation {
  const period = budgetPeriod(rule.budget, now);
  const lowest = Math.min(...rule.budget.warn_at, 1);
  const notifications: Notification[] = [];
  const groups: Record<string, AlertState> = {};
  let top: { spent: number; span_count: number } = { spent: 0, span_count: 0 };
  let own: AlertState = state;
  let total = 0;
  for (const s of spends) {
    total += s.span_count;
    if (s.spent > top.spent || top.span_count === 0) top = s;
    // Most users of a budget per user are far from its lowest threshold and were not before:
    // nothing to tell or remember, so skip the work (a round may see 100,000 users).
    const key = s.labels === null ? null : groupKey(s.labels);
    if (key !== null && s.spent / rule.budget.amount < lowest && state.grouped?.groups[key] === undefined) continue;
    const before = key === null ? state : state.grouped?.groups[key];
    const out = evaluateBudget(rule.budget, budgetOf(before), s.spent, now);
    const figures = budgetFigures(rule.budget, s.spent, now);
    const silenced = isSilenced(state, now) || (key !== null && (state.group_silences?.[key] ?? 0) > now);
    if (out.crossed !== null && !silenced) {
      const budget: BudgetNotice = {
        threshold: out.crossed,
        spent: s.spent,
        amount: rule.budget.amount,
        projected: figures.projected,
        period_key: period.key,
        resets_at: period.end,
      };
      notifications.push({
        status: "firing",
        rule,
        value: s.spent,
        span_count: s.span_count,
        at: now,
        starts_at: period.start,
        ends_at: null,
        ...(s.labels !== null && { group: s.labels }),
        budget,
      });
    }
    const over = figures.fraction >= 1;
    const entry: AlertState = {
      ...(before ?? initialState()),
      state: over ? "firing" : "ok",
      firing: over,
      current_value: s.spent,
      span_count: s.span_count,
      last_evaluated: now,
      firing_since: over ? (before?.firing_since ?? now) : null,
      last_fired: out.crossed !== null && !silenced ? now : (before?.last_fired ?? null),
      notified: false,
      silenced_until: null,
      budget: out.state,
    };
    if (key === null) own = { ...entry, silenced_until: state.silenced_until, last_delivery: state.last_delivery };
    else if (figures.fraction >= lowest) groups[key] = entry;
  }
  if (rule.group_by === undefined) return { state: own, notifications };
  // past max_groups, the groups furthest into their budget are the ones remembered
  const keys = Object.keys(groups);
  const tooMany = keys.length > maxGroups;
  if (tooMany) {
    keys.sort((a, b) => (groups[b].current_value ?? 0) - (groups[a].current_value ?? 0));
    for (const k of keys.slice(maxGroups)) delete groups[k];
  }
  const firing = Object.values(groups).filter((g) => g.firing);
  return {
    state: {
      ...state,
      state: firing.length > 0 ? "firing" : "ok",
      firing: firing.length > 0,
      current_value: spends.length === 0 ? 0 : top.spent,
      span_count: total,
      last_evaluated: now,
      firing_since: firing.length > 0 ? Math.min(...firing.map((g) => g.firing_since ?? now)) : null,
      last_fired: notifications.length > 0 ? now : state.last_fired,
      grouped: { groups, too_many_groups: tooMany, groups_total: keys.length },
    },
    notifications,
  };
}
