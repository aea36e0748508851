import { redactDelivery } from "./delivery-spec.js";
import { groupLabels } from "./groups.js";
import type { RuleEntry } from "./registry.js";
import { type AlertState, type DeliveryOutcome, isSilenced } from "./state.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `last_delivery` as GET /alerts shows it, timestamps in ISO form. */
function deliveryView(d: DeliveryOutcome | null): Record<string, unknown> | null {
  if (d === null) return null;
  return {
    status: d.status,
    notification: d.notification,
    attempts: d.attempts,
    http_status: d.http_status ?? null,
    error: d.error,
    at: iso(d.at),
  };
}

/**
 * One rule as GET /alerts shows it: the seed page's fields first, in its order, then
 * the rest of the rule, where it came from and how its last delivery went.
 */
export function ruleView(entry: RuleEntry, state: AlertState, now: number): Record<string, unknown> {
  const { rule } = entry;
  const silenced = isSilenced(state, now);
  return {
    name: rule.name,
    metric: rule.metric,
    op: rule.op,
    threshold: rule.threshold,
    window: rule.window,
    last_evaluated: iso(state.last_evaluated),
    last_fired: iso(state.last_fired),
    current_value: state.current_value,
    firing: state.firing,
    silenced,
    silenced_until: silenced ? iso(state.silenced_until) : null,
    rule_id: entry.rule_id,
    source: entry.source,
    state: state.state,
    span_count: state.span_count,
    firing_since: iso(state.firing_since),
    cooldown: rule.cooldown,
    min_spans: rule.min_spans,
    ...(rule.score === undefined ? {} : { score: rule.score }),
    filter: rule.filter,
    delivery: redactDelivery(rule.delivery),
    send_resolved: rule.send_resolved,
    last_delivery: deliveryView(state.last_delivery),
    created_at: iso(entry.created_at),
    ...(rule.group_by !== undefined && {
      group_by: rule.group_by,
      max_groups: rule.max_groups,
      groups: groupsView(state, now),
    }),
  };
}

/**
 * A group-by rule's groups as GET /alerts shows them: the firing ones (most recent first),
 * the silenced ones, how many are tracked and matched, and whether max_groups was passed.
 */
function groupsView(state: AlertState, now: number): Record<string, unknown> {
  const groups = state.grouped?.groups ?? {};
  const silences = Object.entries(state.group_silences ?? {}).filter(([, until]) => until > now);
  const silencedUntil = new Map(silences);
  const firing = Object.entries(groups)
    .filter(([, g]) => g.firing)
    .sort(([, a], [, b]) => (b.firing_since ?? 0) - (a.firing_since ?? 0))
    .map(([key, g]) => ({
      group: groupLabels(key),
      firing_since: iso(g.firing_since),
      current_value: g.current_value,
      span_count: g.span_count,
      silenced_until: iso(silencedUntil.get(key) ?? null),
    }));
  return {
    firing,
    silenced: silences.map(([key, until]) => ({ group: groupLabels(key), silenced_until: iso(until) })),
    tracked: Object.keys(groups).length,
    groups_total: state.grouped?.groups_total ?? 0,
    too_many_groups: state.grouped?.too_many_groups ?? false,
  };
}
