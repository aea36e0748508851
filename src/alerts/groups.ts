// Group-by rules: one rule watches every user (model, caller...) separately. Each group is an
// alert instance with its own state, cooldown, silence and resolved notification; the rule
// holds at most max_groups of them. Pure: readings and time are passed in.
import { compare, evaluate, type GroupLabels, type MetricReading, type Notification } from "./evaluate.js";
import type { AlertRule } from "./rule.js";
import { type AlertState, type GroupedState, initialState, isSilenced } from "./state.js";

export type { GroupedState } from "./state.js";

/** The metric of one group. */
export interface GroupReading extends MetricReading {
  labels: GroupLabels;
}

export function initialGroupedState(): GroupedState {
  return { groups: {}, too_many_groups: false, groups_total: 0 };
}

/** A notification about one group. */
export type GroupNotification = Notification & { group: GroupLabels };

export interface GroupedEvaluation {
  state: GroupedState;
  notifications: GroupNotification[];
  /** Set the first time a rule goes past max_groups (it notifies once, until it is back under). */
  overflow: { groups_total: number; max_groups: number } | null;
}

/** The canonical key of a group: its labels as JSON with sorted keys. */
export function groupKey(labels: GroupLabels): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** The labels back from a key. */
export function groupLabels(key: string): GroupLabels {
  return JSON.parse(key) as GroupLabels;
}

/**
 * Evaluates a group-by rule at `now` over the groups' readings. A group already tracked that
 * has no reading any more is evaluated with no data: it stops firing (and sends its resolved
 * notification with send_resolved) and is then forgotten. A silence of the whole rule
 * (`ruleSilencedUntil`) covers every group; `groupSilences` (groupKey → until) one group each.
 * Past `maxGroups` groups, the rule tracks the groups it already had, then those breaching
 * the threshold, then the ones with the most spans, and reports too_many_groups.
 */
export function evaluateGroups(
  rule: AlertRule,
  state: GroupedState,
  now: number,
  readings: readonly GroupReading[],
  opts: { maxGroups: number; ruleSilencedUntil: number | null; groupSilences?: Record<string, number> },
): GroupedEvaluation {
  const byKey = new Map(readings.map((r) => [groupKey(r.labels), r]));
  const tracked = pickGroups(rule, state, byKey, opts.maxGroups);
  const groups: Record<string, AlertState> = {};
  const notifications: GroupNotification[] = [];
  const keys = new Set([...Object.keys(state.groups), ...tracked]);
  for (const key of keys) {
    const reading = tracked.includes(key) ? (byKey.get(key) as GroupReading) : undefined;
    const before = state.groups[key] ?? initialState();
    const silence = laterSilence(opts.groupSilences?.[key] ?? null, opts.ruleSilencedUntil, now);
    const out = evaluate(rule, { ...before, silenced_until: silence }, now, reading ?? { value: null, span_count: 0 });
    // silences live with the rule (group_silences), not in the group's state
    const next = { ...out.state, silenced_until: null };
    const labels = groupLabels(key);
    for (const n of out.notifications) notifications.push({ ...n, group: labels });
    // a group with no data that is not firing is forgotten
    if (reading !== undefined || next.firing) groups[key] = next;
  }
  const total = byKey.size;
  const tooMany = total > opts.maxGroups;
  return {
    state: { groups, too_many_groups: tooMany, groups_total: total },
    notifications,
    overflow: tooMany && !state.too_many_groups ? { groups_total: total, max_groups: opts.maxGroups } : null,
  };
}

function laterSilence(group: number | null, rule: number | null, now: number): number | null {
  const live = [group, rule].filter((t): t is number => t !== null && t > now);
  return live.length === 0 ? null : Math.max(...live);
}

/** The keys of the groups evaluated this round: all of them, or max_groups chosen as documented. */
function pickGroups(
  rule: AlertRule,
  state: GroupedState,
  byKey: Map<string, GroupReading>,
  maxGroups: number,
): string[] {
  const keys = [...byKey.keys()];
  if (keys.length <= maxGroups) return keys;
  const breaching = (r: GroupReading) =>
    r.value !== null && r.span_count >= rule.min_spans && compare(rule.op, r.value, rule.threshold);
  const rank = (k: string) => {
    const r = byKey.get(k) as GroupReading;
    return [k in state.groups ? 0 : 1, breaching(r) ? 0 : 1, -r.span_count] as const;
  };
  return keys
    .sort((a, b) => {
      const x = rank(a);
      const y = rank(b);
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || (a < b ? -1 : a > b ? 1 : 0);
    })
    .slice(0, maxGroups);
}

/** The groups firing now, for GET /alerts. */
export function firingGroups(
  state: GroupedState,
): { group: GroupLabels; since: number | null; value: number | null }[] {
  return Object.entries(state.groups)
    .filter(([, s]) => s.firing)
    .map(([k, s]) => ({ group: groupLabels(k), since: s.firing_since, value: s.current_value }));
}

/**
 * The rule-level state of a group-by rule after a round, from its groups: firing while any
 * group fires (since the earliest), ok while any group has data, else insufficient_data;
 * current_value is the most extreme group's value (the highest for gt/gte/eq/ne, the lowest
 * for lt/lte) and span_count the groups' total. The rule's own silence stays as it was.
 */
export function summarizeGroups(rule: AlertRule, before: AlertState, grouped: GroupedState, now: number): AlertState {
  const states = Object.values(grouped.groups);
  const firing = states.filter((s) => s.firing);
  const values = states.map((s) => s.current_value).filter((v): v is number => v !== null);
  const low = rule.op === "lt" || rule.op === "lte";
  const since = firing.map((s) => s.firing_since).filter((t): t is number => t !== null);
  const fired = states.map((s) => s.last_fired).filter((t): t is number => t !== null);
  return {
    ...before,
    state: firing.length > 0 ? "firing" : states.some((s) => s.state === "ok") ? "ok" : "insufficient_data",
    firing: firing.length > 0,
    current_value: values.length === 0 ? null : low ? Math.min(...values) : Math.max(...values),
    span_count: states.reduce((n, s) => n + s.span_count, 0),
    last_evaluated: now,
    firing_since: since.length === 0 ? null : Math.min(...since),
    last_fired: fired.length === 0 ? before.last_fired : Math.max(before.last_fired ?? 0, ...fired),
    notified: firing.some((s) => s.notified),
    silenced_until: isSilenced(before, now) ? before.silenced_until : null,
    grouped,
  };
}
