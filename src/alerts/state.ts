import { type BudgetState, readBudgetState } from "./budget.js";
/** What GET /alerts reports as `state`. */
export type RuleStatus = "ok" | "firing" | "insufficient_data";

/** The outcome of the latest notification sent for a rule (GET /alerts `last_delivery`). */
export interface DeliveryOutcome {
  status: "ok" | "failed" | "retrying";
  attempts: number;
  error: string | null;
  /** When the latest attempt finished (epoch ms). */
  at: number;
  /** HTTP status of the latest attempt, when there was a response. */
  http_status?: number;
  /** Which notification it carried. */
  notification: "firing" | "resolved";
}

/** Everything the evaluator remembers about one rule between evaluations; persisted in the store. */
export interface AlertState {
  state: RuleStatus;
  firing: boolean;
  current_value: number | null;
  span_count: number;
  last_evaluated: number | null;
  /** When the current firing episode began (Alertmanager `startsAt`); null when not firing. */
  firing_since: number | null;
  /** When a firing notification was last sent (not counting silenced ones); the cooldown runs from here. */
  last_fired: number | null;
  /** Whether the receiver was told about the current episode (so a resolved notification makes sense). */
  notified: boolean;
  silenced_until: number | null;
  last_delivery: DeliveryOutcome | null;
  /**
   * A group-by rule's groups (groups.ts): each group's own state, keyed by its labels. The
   * fields above then sum the rule up: firing when a group is, its silence covering them all.
   */
  grouped?: GroupedState;
  /**
   * Silences of single groups of a group-by rule: groupKey → until (epoch ms). Kept beside
   * silenced_until, not in `grouped`, because like it they belong to whoever silences (an
   * API call on any instance), not to the evaluating leader (Store.saveAlertStatePart).
   */
  group_silences?: Record<string, number>;
  /** A budget rule's (or a budget group's) thresholds told this period (budget.ts). */
  budget?: BudgetState;
}

/** A group-by rule's memory: one AlertState per group it tracks. */
export interface GroupedState {
  /** groupKey(labels) → that group's state. */
  groups: Record<string, AlertState>;
  /** More groups than max_groups matched at the last evaluation. */
  too_many_groups: boolean;
  /** How many groups matched then. */
  groups_total: number;
}

export function initialState(): AlertState {
  return {
    state: "insufficient_data",
    firing: false,
    current_value: null,
    span_count: 0,
    last_evaluated: null,
    firing_since: null,
    last_fired: null,
    notified: false,
    silenced_until: null,
    last_delivery: null,
  };
}

const STATUSES: readonly string[] = ["ok", "firing", "insufficient_data"];

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function readOutcome(v: unknown): DeliveryOutcome | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.status !== "ok" && o.status !== "failed" && o.status !== "retrying") return null;
  const at = num(o.at);
  if (at === null) return null;
  return {
    // a delivery cannot still be retrying after a restart: the process that ran it is gone
    status: o.status === "retrying" ? "failed" : o.status,
    attempts: num(o.attempts) ?? 0,
    error: typeof o.error === "string" ? o.error : o.status === "retrying" ? "interrupted by a restart" : null,
    at,
    ...(num(o.http_status) !== null && { http_status: num(o.http_status) as number }),
    notification: o.notification === "resolved" ? "resolved" : "firing",
  };
}

/** Reads a persisted state back, tolerating missing or foreign fields (older versions, hand edits). */
export function readState(v: unknown): AlertState {
  const s = initialState();
  if (typeof v !== "object" || v === null) return s;
  const o = v as Record<string, unknown>;
  if (typeof o.state === "string" && STATUSES.includes(o.state)) s.state = o.state as AlertState["state"];
  s.firing = o.firing === true;
  s.current_value = num(o.current_value);
  s.span_count = num(o.span_count) ?? 0;
  s.last_evaluated = num(o.last_evaluated);
  s.firing_since = s.firing ? num(o.firing_since) : null;
  s.last_fired = num(o.last_fired);
  s.notified = s.firing && o.notified === true;
  s.silenced_until = num(o.silenced_until);
  s.last_delivery = readOutcome(o.last_delivery);
  if (typeof o.grouped === "object" && o.grouped !== null)
    s.grouped = readGrouped(o.grouped as Record<string, unknown>);
  if (typeof o.budget === "object" && o.budget !== null) s.budget = readBudgetState(o.budget);
  if (typeof o.group_silences === "object" && o.group_silences !== null) {
    const silences: Record<string, number> = {};
    for (const [key, until] of Object.entries(o.group_silences))
      if (num(until) !== null) silences[key] = until as number;
    s.group_silences = silences;
  }
  return s;
}

function readGrouped(o: Record<string, unknown>): GroupedState {
  const groups: Record<string, AlertState> = {};
  if (typeof o.groups === "object" && o.groups !== null) {
    for (const [key, g] of Object.entries(o.groups)) {
      // a key is the JSON of the group's labels (groups.ts groupKey); anything else is dropped
      try {
        if (typeof JSON.parse(key) === "object") groups[key] = readState(g);
      } catch {}
    }
  }
  return { groups, too_many_groups: o.too_many_groups === true, groups_total: num(o.groups_total) ?? 0 };
}

/** Whether a silence is in force at `now`. */
export function isSilenced(state: AlertState, now: number): boolean {
  return state.silenced_until !== null && now < state.silenced_until;
}
