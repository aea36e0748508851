import { redactDelivery } from "./delivery-spec.js";
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
  };
}
