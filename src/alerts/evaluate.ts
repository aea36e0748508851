import type { AlertRule, Op } from "./rule.js";
import { ruleTiming } from "./rule.js";
import { type AlertState, isSilenced } from "./state.js";

/** A metric reading for one rule: the value (null when undefined) and the spans it came from. */
export interface MetricReading {
  value: number | null;
  span_count: number;
  /** For a baseline rule: `value` is the change in percent; these are the two readings behind it. */
  baseline?: BaselineFigures;
}

/** A baseline rule's two readings: the window's value now, and the baseline's. */
export interface BaselineFigures {
  current: number | null;
  baseline: number | null;
}

/** A group of a group-by rule: group_by key → value, e.g. {"user_id": "u1"}. */
export type GroupLabels = Record<string, string>;

/** A message for the rule's receiver. */
export interface Notification {
  status: "firing" | "resolved";
  rule: AlertRule;
  /** The group it is about, for a group-by rule (each group is an alert of its own). */
  group?: GroupLabels;
  /** A notice about the rule itself rather than a reading (a group-by rule past max_groups). */
  notice?: string;
  /** For a budget rule: the threshold reached and the period's figures. */
  budget?: BudgetNotice;
  /** For a baseline rule: the current and baseline values (`value` is the change in percent). */
  baseline?: BaselineFigures;
  value: number | null;
  span_count: number;
  /** Evaluation time that produced it (epoch ms). */
  at: number;
  /** When the episode began. */
  starts_at: number;
  /** When it ended (resolved notifications only). */
  ends_at: number | null;
}

/** What a budget notification says beyond the rule: the threshold reached and the figures. */
export interface BudgetNotice {
  /** The fraction of the amount reached (0.8, 0.95, or 1 for the amount itself). */
  threshold: number;
  spent: number;
  amount: number;
  /** Spend at the end of the period at the rate so far. */
  projected: number;
  /** Which period ("2026-03"), and when the next begins (epoch ms). */
  period_key: string;
  resets_at: number;
}

export interface Evaluation {
  state: AlertState;
  notifications: Notification[];
}

/** Whether `value op threshold` holds. */
export function compare(op: Op, value: number, threshold: number): boolean {
  switch (op) {
    case "gt":
      return value > threshold;
    case "gte":
      return value >= threshold;
    case "lt":
      return value < threshold;
    case "lte":
      return value <= threshold;
    case "eq":
      return value === threshold;
    case "ne":
      return value !== threshold;
    // value is then a change against the baseline, in percent (baseline.ts)
    case "increase_pct":
      return value > threshold;
    case "decrease_pct":
      return -value > threshold;
  }
}

/**
 * One evaluation of a rule: pure, time passed in. Below min_spans (or with no value) the rule
 * reports insufficient_data and stops firing. A firing rule notifies when it starts firing and
 * then again only once `cooldown` has passed since the last notification, which also stops a
 * flapping rule from paging every interval. A silenced rule updates its state but sends
 * nothing; with send_resolved, the end of an episode the receiver was told about is sent.
 *
 * @example evaluate(rule, initialState(), Date.parse("2026-03-15T15:00:00Z"), { value: 12.5, span_count: 40 })
 */
export function evaluate(rule: AlertRule, state: AlertState, now: number, reading: MetricReading): Evaluation {
  const silenced = isSilenced(state, now);
  const next: AlertState = {
    ...state,
    current_value: reading.value,
    span_count: reading.span_count,
    last_evaluated: now,
    // an expired silence is cleared so GET /alerts shows silenced_until null again
    silenced_until: silenced ? state.silenced_until : null,
  };
  const notifications: Notification[] = [];
  const known = reading.value !== null && reading.span_count >= rule.min_spans;
  const holds = known && compare(rule.op, reading.value as number, rule.threshold);

  if (holds) {
    next.state = "firing";
    next.firing = true;
    if (!state.firing) {
      next.firing_since = now;
      next.notified = false;
    }
    const { cooldownMs } = ruleTiming(rule);
    const cooled = state.last_fired === null || now - state.last_fired >= cooldownMs;
    if (cooled && !silenced) {
      notifications.push({
        status: "firing",
        rule,
        ...(reading.baseline !== undefined && { baseline: reading.baseline }),
        value: reading.value,
        span_count: reading.span_count,
        at: now,
        starts_at: next.firing_since ?? now,
        ends_at: null,
      });
      next.last_fired = now;
      next.notified = true;
    }
    return { state: next, notifications };
  }

  next.state = known ? "ok" : "insufficient_data";
  next.firing = false;
  next.firing_since = null;
  next.notified = false;
  if (state.firing && state.notified && rule.send_resolved && !silenced) {
    notifications.push({
      status: "resolved",
      rule,
      ...(reading.baseline !== undefined && { baseline: reading.baseline }),
      value: reading.value,
      span_count: reading.span_count,
      at: now,
      starts_at: state.firing_since ?? now,
      ends_at: now,
    });
  }
  return { state: next, notifications };
}
