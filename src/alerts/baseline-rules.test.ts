// Baseline rules through the alert service: a value against the same window a week ago, or
// against its average over the week, per group too.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { validateRule } from "./rule.js";
import { costRule, harness, MIN, receiver, runCleanups, span, step, T0 } from "./testing/harness.js";

afterEach(runCleanups);

const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

type Body = {
  status: string;
  tokentrace: { value: number; group?: Record<string, string>; baseline: Record<string, unknown> };
  commonAnnotations: { summary: string };
};
const bodies = (rx: { received: { body: unknown }[] }) => rx.received.map((r) => r.body as Body);

const calls = (n: number, at: number, cost: number, over: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => span({ cost_usd: cost / n, started_at: at + i, ended_at: at + i + 1, ...over }));

describe("baseline rules", () => {
  test("validation: a baseline with the pct ops only, one of offset or avg_over, sensible lengths", () => {
    const ok = validateRule({
      ...costRule("https://x.example.com"),
      op: "increase_pct",
      threshold: 50,
      baseline: { offset: "7d" },
    });
    assert.ok(ok.ok);
    assert.deepEqual(validateRule(ok.rule), ok);
    const errors = (over: Record<string, unknown>) => {
      const r = validateRule({ ...costRule("https://x.example.com"), ...over });
      assert.ok(!r.ok);
      return r.errors.map((e) => `${e.path}: ${e.message}`);
    };
    assert.deepEqual(errors({ baseline: { offset: "7d" } }), [
      "baseline: applies only with op increase_pct or decrease_pct",
    ]);
    assert.deepEqual(errors({ op: "increase_pct" }), [
      'baseline: is required with op increase_pct: such as {"offset": "7d"} or {"avg_over": "7d"}',
    ]);
    assert.deepEqual(errors({ op: "decrease_pct", baseline: { offset: "7d", avg_over: "7d" } }), [
      'baseline: must be one of such as {"offset": "7d"} or {"avg_over": "7d"}',
    ]);
    assert.deepEqual(errors({ op: "decrease_pct", baseline: { offset: "soon" } }), [
      'baseline.offset: must be a duration such as "1d" or "7d"',
    ]);
    assert.deepEqual(errors({ op: "increase_pct", baseline: { offset: "30m" } }), [
      "baseline.offset: must be at least the window (1h), or the two overlap",
    ]);
    assert.deepEqual(errors({ op: "increase_pct", baseline: { avg_over: "3y" } }), [
      "baseline.avg_over: must hold 1 to 10000 windows of 1h",
    ]);
    assert.deepEqual(errors({ op: "increase_pct", threshold: -5, baseline: { offset: "1d" } }), [
      "threshold: with increase_pct / decrease_pct: a change in percent >= 0 (50 = +50%)",
    ]);
  });

  test("offset: fires when the hour costs more than 50% over the same hour a week ago; min_spans on both sides", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(
      costRule(rx.url, {
        op: "increase_pct",
        threshold: 50,
        baseline: { offset: "7d" },
        min_spans: 5,
        send_resolved: true,
      }),
    );
    // a week ago in this hour: 10 USD over 5 calls; now: 16 USD over 8 calls (+60%)
    await h.store.insert(calls(5, T0 - 7 * DAY - 30 * MIN, 10));
    await h.store.insert(calls(8, T0 - 30 * MIN, 16));
    await step(h);
    const [fired] = bodies(rx);
    assert.equal(fired.status, "firing");
    assert.ok(Math.abs(fired.tokentrace.value - 60) < 1e-9);
    assert.deepEqual(fired.tokentrace.baseline, { current: 16, baseline: 10, offset: "7d" });
    assert.match(
      fired.commonAnnotations.summary,
      /^cost-spike firing: total_cost 16 against 10 \(\+60%\) \(threshold up by more than 50% on its baseline \(offset 7d\)\) over 1h$/,
    );
    const view = h.alerts.get("cost-spike");
    assert.equal(view.state, "firing");
    // an hour later the current window is empty: below min_spans, insufficient data, resolved
    await step(h, 60);
    assert.equal(h.alerts.get("cost-spike").state, "insufficient_data");
    assert.equal(bodies(rx)[1].status, "resolved");
  });

  test("a baseline below min_spans is insufficient data, however large the change", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(
      costRule(rx.url, { op: "increase_pct", threshold: 10, baseline: { offset: "1d" }, min_spans: 5 }),
    );
    await h.store.insert(calls(2, T0 - DAY - 30 * MIN, 1));
    await h.store.insert(calls(10, T0 - 30 * MIN, 100));
    await step(h);
    assert.equal(h.alerts.get("cost-spike").state, "insufficient_data");
    assert.equal(rx.received.length, 0);
  });

  test("avg_over: the mean of the window's value over the day before; a quiet hour counts as 0 for a total", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(
      costRule(rx.url, { op: "decrease_pct", threshold: 40, baseline: { avg_over: "4h" }, min_spans: 0 }),
    );
    // the four hours before the current one: 10, 10, 0 (quiet), 20 USD → mean 10; now 5 (-50%)
    await h.store.insert(calls(2, T0 - 2 * HOUR + MIN, 10));
    await h.store.insert(calls(2, T0 - 3 * HOUR + MIN, 10));
    await h.store.insert(calls(2, T0 - 5 * HOUR + MIN, 20));
    await h.store.insert(calls(1, T0 - 30 * MIN, 5));
    await step(h);
    const [fired] = bodies(rx);
    assert.ok(Math.abs(fired.tokentrace.value + 50) < 1e-9, String(fired.tokentrace.value));
    assert.deepEqual(fired.tokentrace.baseline, { current: 5, baseline: 10, avg_over: "4h" });
  });

  test("with group_by each caller is compared with its own baseline", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(
      costRule(rx.url, { op: "increase_pct", threshold: 50, baseline: { offset: "7d" }, group_by: ["caller"] }),
    );
    await h.store.insert([
      ...calls(2, T0 - 7 * DAY - 30 * MIN, 10, { caller: "search" }),
      ...calls(2, T0 - 7 * DAY - 30 * MIN, 10, { caller: "chat" }),
      ...calls(2, T0 - 30 * MIN, 20, { caller: "search" }),
      ...calls(2, T0 - 30 * MIN, 12, { caller: "chat" }),
      // new this week: no baseline, no alert
      ...calls(2, T0 - 30 * MIN, 99, { caller: "batch" }),
    ]);
    await step(h);
    assert.deepEqual(
      bodies(rx).map((b) => [b.tokentrace.group?.caller, b.tokentrace.value]),
      [["search", 100]],
    );
  });
});
