// Spend budgets over calendar periods: how much of this month's (week's, day's) amount is
// spent, what the period will end at at this rate, and which warning thresholds were crossed.
// Pure: spend and time are passed in.
import { type CalendarPeriod, calendarPeriod, type Period } from "./period.js";

/** A rule's budget: `amount` (USD for total_cost, tokens for total_tokens) per calendar `period`. */
export interface Budget {
  period: Period;
  amount: number;
  /** IANA time zone the period follows (default "UTC"). */
  timezone: string;
  /** Fractions of `amount` that warn, ascending, each in (0, 1); reaching the amount (1) always notifies. */
  warn_at: number[];
}

/** What a budget remembers between evaluations (per group): which thresholds this period has notified. */
export interface BudgetState {
  /** CalendarPeriod.key of the period `notified` belongs to; null before the first evaluation. */
  period_key: string | null;
  /** Thresholds already notified in that period, ascending (1 for the amount itself). */
  notified: number[];
}

export function initialBudgetState(): BudgetState {
  return { period_key: null, notified: [] };
}

/** A budget's standing at one moment (GET /budgets). */
export interface BudgetFigures {
  spent: number;
  remaining: number;
  fraction: number;
  /** Spend at the end of the period if it goes on at the rate so far. */
  projected: number;
  period_start: number;
  resets_at: number;
}

/** The period a budget covers at `now`. */
export function budgetPeriod(b: Budget, now: number): CalendarPeriod {
  return calendarPeriod(b.period, b.timezone, now);
}

/**
 * Spent, remaining (never below 0), fraction of the amount, and projected spend: the
 * period's spend so far scaled to its whole length (a period that has only just begun
 * projects what it has).
 */
export function budgetFigures(b: Budget, spent: number, now: number): BudgetFigures {
  const p = budgetPeriod(b, now);
  const elapsed = Math.max(0, Math.min(now, p.end) - p.start);
  const projected = elapsed <= 0 ? spent : (spent * (p.end - p.start)) / elapsed;
  return {
    spent,
    remaining: Math.max(0, b.amount - spent),
    fraction: b.amount > 0 ? spent / b.amount : spent > 0 ? Number.POSITIVE_INFINITY : 0,
    projected,
    period_start: p.start,
    resets_at: p.end,
  };
}

/** The outcome of one budget evaluation: the state to keep and the threshold to notify, if any. */
export interface BudgetEvaluation {
  state: BudgetState;
  /** The highest threshold newly reached this evaluation (1 = the whole amount), or null. */
  crossed: number | null;
}

/**
 * Which threshold a spend newly reaches. Each threshold notifies once per period: a new
 * period starts with none notified. When one evaluation passes several thresholds at once
 * (spend jumped from 50% to 97%), only the highest notifies and the lower ones count as
 * told, so a receiver gets one message, not three. The state is persisted, so a restart
 * inside a period sends nothing twice.
 *
 * @example evaluateBudget({ period: "month", amount: 500, timezone: "UTC", warn_at: [0.8, 0.95] }, initialBudgetState(), 410, now)
 *   // { crossed: 0.8, state: { period_key: "2026-03", notified: [0.8] } }
 */
export function evaluateBudget(b: Budget, state: BudgetState, spent: number, now: number): BudgetEvaluation {
  const { key } = budgetPeriod(b, now);
  const notified = state.period_key === key ? state.notified : [];
  const fraction = budgetFigures(b, spent, now).fraction;
  const reached = [...b.warn_at, 1].filter((t) => fraction >= t);
  const fresh = reached.filter((t) => !notified.includes(t));
  const all = [...new Set([...notified, ...reached])].sort((x, y) => x - y);
  return {
    state: { period_key: key, notified: all },
    crossed: fresh.length === 0 ? null : fresh[fresh.length - 1],
  };
}

/** Reads a persisted budget state back, tolerating missing or foreign fields. */
export function readBudgetState(v: unknown): BudgetState {
  if (typeof v !== "object" || v === null) return initialBudgetState();
  const o = v as Record<string, unknown>;
  const key = typeof o.period_key === "string" ? o.period_key : null;
  const notified = Array.isArray(o.notified)
    ? o.notified.filter((x): x is number => typeof x === "number" && Number.isFinite(x)).sort((x, y) => x - y)
    : [];
  return { period_key: key, notified: key === null ? [] : notified };
}
