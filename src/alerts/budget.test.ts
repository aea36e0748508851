import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Budget, budgetFigures, evaluateBudget, initialBudgetState, readBudgetState } from "./budget.js";

const at = (s: string) => Date.parse(s);
const monthly: Budget = { period: "month", amount: 500, timezone: "Europe/Berlin", warn_at: [0.8, 0.95] };

describe("budgets", () => {
  test("each threshold notifies once per period, and the next period starts over", () => {
    let s = initialBudgetState();
    const step = (spent: number, when: string) => {
      const r = evaluateBudget(monthly, s, spent, at(when));
      s = r.state;
      return r.crossed;
    };
    assert.equal(step(100, "2026-03-10T10:00:00Z"), null);
    assert.equal(step(400, "2026-03-20T10:00:00Z"), 0.8);
    assert.equal(step(420, "2026-03-20T10:01:00Z"), null);
    assert.equal(step(480, "2026-03-25T10:00:00Z"), 0.95);
    assert.equal(step(500, "2026-03-28T10:00:00Z"), 1);
    assert.equal(step(650, "2026-03-30T10:00:00Z"), null);
    // April in Berlin begins at 22:00 UTC on March 31st
    assert.equal(step(5, "2026-03-31T22:00:00Z"), null);
    assert.deepEqual(s, { period_key: "2026-04", notified: [] });
    assert.equal(step(420, "2026-04-20T10:00:00Z"), 0.8);
  });

  test("a jump past several thresholds sends one notification, for the highest", () => {
    const r = evaluateBudget(monthly, initialBudgetState(), 490, at("2026-03-20T10:00:00Z"));
    assert.equal(r.crossed, 0.95);
    assert.deepEqual(r.state.notified, [0.8, 0.95]);
  });

  test("a restart inside a period (state read back from the store) sends nothing twice", () => {
    const first = evaluateBudget(monthly, initialBudgetState(), 410, at("2026-03-20T10:00:00Z"));
    const stored = JSON.parse(JSON.stringify(first.state));
    const again = evaluateBudget(monthly, readBudgetState(stored), 415, at("2026-03-20T10:05:00Z"));
    assert.equal(again.crossed, null);
    assert.deepEqual(readBudgetState({ junk: 1 }), initialBudgetState());
    assert.deepEqual(readBudgetState({ period_key: "2026-03", notified: [0.95, "x", 0.8] }).notified, [0.8, 0.95]);
  });

  test("spent falling back (retention, a deleted span) does not notify again in the same period", () => {
    let s = evaluateBudget(monthly, initialBudgetState(), 400, at("2026-03-20T10:00:00Z")).state;
    s = evaluateBudget(monthly, s, 300, at("2026-03-21T10:00:00Z")).state;
    assert.equal(evaluateBudget(monthly, s, 400, at("2026-03-22T10:00:00Z")).crossed, null);
  });

  test("figures: remaining, fraction, projection at the rate so far, reset time", () => {
    const daily: Budget = { period: "day", amount: 10, timezone: "UTC", warn_at: [] };
    const f = budgetFigures(daily, 2.5, at("2026-03-20T06:00:00Z"));
    assert.deepEqual(f, {
      spent: 2.5,
      remaining: 7.5,
      fraction: 0.25,
      projected: 10,
      period_start: at("2026-03-20T00:00:00Z"),
      resets_at: at("2026-03-21T00:00:00Z"),
    });
    assert.equal(budgetFigures(daily, 12, at("2026-03-20T12:00:00Z")).remaining, 0);
    // at the very start of a period the projection is what was spent, not a division by zero
    assert.equal(budgetFigures(daily, 0, at("2026-03-20T00:00:00Z")).projected, 0);
  });
});
