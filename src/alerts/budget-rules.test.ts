// Budget rules through the alert service: thresholds once per calendar period (per group with
// group_by), restarts, silences, and GET /budgets figures.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { ApiError } from "../errors.js";
import { MemoryStore } from "../store/memory/index.js";
import { validateRule } from "./rule.js";
import { harness, MIN, receiver, runCleanups, span, step, T0 } from "./testing/harness.js";

afterEach(runCleanups);

// T0 is 2026-03-15T15:00Z: mid-March, in a 31-day month.
const DAY = 24 * 60 * MIN;
const budgetRule = (url: string, over: Record<string, unknown> = {}) => ({
  name: "monthly",
  metric: "total_cost",
  budget: { period: "month", amount: 100, timezone: "Europe/Berlin", warn_at: [0.8, 0.95] },
  delivery: { type: "http", url: `${url}/hook` },
  ...over,
});

type Body = {
  tokentrace: { id: string; group?: Record<string, string>; budget: Record<string, unknown> };
  commonAnnotations: { summary: string };
};
const bodies = (rx: { received: { body: unknown }[] }) => rx.received.map((r) => r.body as Body);

describe("budget rules", () => {
  test("validation: the budget's fields, its metric, and what it fixes", () => {
    const ok = validateRule(budgetRule("https://x.example.com"));
    assert.ok(ok.ok);
    assert.deepEqual(
      [ok.rule.op, ok.rule.threshold, ok.rule.window, ok.rule.cooldown, ok.rule.budget],
      ["gte", 100, "month", "month", { period: "month", amount: 100, timezone: "Europe/Berlin", warn_at: [0.8, 0.95] }],
    );
    assert.deepEqual(validateRule(ok.rule), ok);
    const defaults = validateRule({ ...budgetRule("https://x.example.com"), budget: { period: "day", amount: 5 } });
    assert.ok(defaults.ok);
    assert.deepEqual(defaults.rule.budget, { period: "day", amount: 5, timezone: "UTC", warn_at: [0.8, 0.95] });
    const errors = (over: Record<string, unknown>) => {
      const r = validateRule({ ...budgetRule("https://x.example.com"), ...over });
      assert.ok(!r.ok);
      return r.errors.map((e) => `${e.path}: ${e.message}`);
    };
    assert.deepEqual(
      errors({ budget: { period: "year", amount: 0, timezone: "Mars/Base", warn_at: [0.8, 1.2], x: 1 } }),
      [
        "budget.x: unknown field; known: period, amount, timezone, warn_at",
        "budget.period: must be one of day, week, month",
        "budget.amount: must be a number > 0 (USD for total_cost, tokens for total_tokens)",
        'budget.timezone: must be an IANA time zone such as "Europe/Berlin" or "UTC"',
        "budget.warn_at: must be a list of distinct fractions between 0 and 1, such as [0.8, 0.95]",
      ],
    );
    assert.deepEqual(errors({ metric: "latency_p95" }), ["metric: a budget is on total_cost or total_tokens"]);
    assert.deepEqual(errors({ threshold: 5, window: "1h" }), [
      "threshold: a budget rule has none: the budget's amount, warn_at and period say when it notifies",
      "window: a budget rule has none: the budget's amount, warn_at and period say when it notifies",
    ]);
    assert.deepEqual(errors({ send_resolved: true }), [
      "send_resolved: a budget notifies each threshold once per period; nothing resolves",
    ]);
    assert.deepEqual(errors({ budget: "500" }), [
      'budget: must be an object such as {"period": "month", "amount": 500}',
    ]);
  });

  test("80%, 95% and 100% each notify once in a month, and a new month starts over", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(budgetRule(rx.url));
    await h.store.insert([span({ cost_usd: 50, started_at: T0 - 10 * DAY })]);
    // spend before the month began (Berlin time) does not count
    await h.store.insert([span({ cost_usd: 500, started_at: Date.UTC(2026, 1, 28, 22, 0) })]);
    await step(h);
    assert.equal(rx.received.length, 0);
    await h.store.insert([span({ cost_usd: 31, started_at: T0 })]);
    await step(h, 1);
    await step(h, 1);
    await h.store.insert([span({ cost_usd: 20, started_at: T0 + 3 * MIN })]);
    await step(h, 1);
    const sent = bodies(rx);
    assert.deepEqual(
      sent.map((b) => b.tokentrace.budget.threshold),
      [0.8, 1],
    );
    assert.match(
      sent[0].commonAnnotations.summary,
      /^monthly: 80% of the month's budget reached: 81 of 100 USD spent \(2026-03, Europe\/Berlin\), \d+(\.\d+)? projected$/,
    );
    assert.match(sent[1].commonAnnotations.summary, /^monthly: budget used up: 101 of 100 USD spent/);
    assert.notEqual(sent[0].tokentrace.id, sent[1].tokentrace.id);
    assert.equal(sent[1].tokentrace.budget.resets_at, "2026-03-31T22:00:00.000Z");
    const view = h.alerts.get("monthly");
    assert.deepEqual([view.state, view.current_value, view.window], ["firing", 101, "month"]);
    // April in Berlin: nothing spent yet, nothing sent; then 80% again
    h.clock.now = Date.UTC(2026, 2, 31, 22, 0);
    await step(h);
    assert.equal(rx.received.length, 2);
    assert.equal(h.alerts.get("monthly").state, "ok");
    await h.store.insert([span({ cost_usd: 85, started_at: h.clock.now + MIN })]);
    await step(h, 2);
    assert.deepEqual(
      bodies(rx).map((b) => [b.tokentrace.budget.threshold, b.tokentrace.budget.period_key]),
      [
        [0.8, "2026-03"],
        [1, "2026-03"],
        [0.8, "2026-04"],
      ],
    );
  });

  test("with group_by each user has the budget; a restart inside the period sends nothing twice", async () => {
    const store = new MemoryStore();
    const rx = await receiver();
    const users = (costs: Record<string, number>, at = T0) =>
      store.insert(Object.entries(costs).map(([u, c]) => span({ caller: u, cost_usd: c, started_at: at })));
    await users({ alice: 85, bob: 10, carol: 96 });
    const first = await harness({}, store);
    await first.alerts.create(budgetRule(rx.url, { group_by: ["caller"] }));
    await step(first);
    assert.deepEqual(
      bodies(rx)
        .map((b) => [b.tokentrace.group?.caller, b.tokentrace.budget.threshold])
        .sort(),
      [
        ["alice", 0.8],
        ["carol", 0.95],
      ],
    );
    // only the users past 80% are remembered
    const tracked = (first.alerts.get("monthly").groups as { tracked: number }).tracked;
    assert.equal(tracked, 2);
    await first.alerts.stop();
    const second = await harness({}, store);
    second.clock.now = T0 + 5 * MIN;
    await users({ bob: 75, alice: 1 }, T0 + MIN);
    await step(second);
    assert.deepEqual(
      bodies(rx)
        .slice(2)
        .map((b) => [b.tokentrace.group?.caller, b.tokentrace.budget.threshold]),
      [["bob", 0.8]],
    );
    const all = (await second.alerts.budgets()) as { budgets: Record<string, unknown>[] };
    const [b] = all.budgets;
    assert.equal(b.groups_total, 3);
    assert.deepEqual(
      (b.groups as { group: Record<string, string>; spent: number; remaining: number }[]).map((g) => [
        g.group.caller,
        g.spent,
        g.remaining,
      ]),
      [
        ["carol", 96, 4],
        ["alice", 86, 14],
        ["bob", 85, 15],
      ],
    );
  });

  test("a silenced budget still counts the threshold as told", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(budgetRule(rx.url));
    await h.alerts.silence("monthly", { duration: "1h" });
    await h.store.insert([span({ cost_usd: 85 })]);
    await step(h);
    await step(h, 61);
    assert.equal(rx.received.length, 0);
  });

  test("GET /budgets/{name}: one budget, or one group of it; errors name the problem", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.alerts.create(budgetRule(rx.url, { name: "per-caller", group_by: ["caller"] }));
    await h.alerts.create(budgetRule(rx.url, { budget: { period: "day", amount: 10 } }));
    await h.store.insert([span({ caller: "alice", cost_usd: 4 }), span({ caller: "bob", cost_usd: 1 })]);
    const one = await h.alerts.budget("per-caller", { caller: "alice" });
    assert.deepEqual(
      { ...one, projected: undefined },
      {
        name: "per-caller",
        metric: "total_cost",
        period: "month",
        timezone: "Europe/Berlin",
        amount: 100,
        warn_at: [0.8, 0.95],
        filter: {},
        group_by: ["caller"],
        group: { caller: "alice" },
        spent: 4,
        remaining: 96,
        fraction: 0.04,
        projected: undefined,
        period_start: "2026-02-28T23:00:00.000Z",
        resets_at: "2026-03-31T22:00:00.000Z",
      },
    );
    assert.equal((await h.alerts.budget("per-caller", { caller: "nobody" })).spent, 0);
    const daily = await h.alerts.budget("monthly", {});
    assert.deepEqual([daily.spent, daily.remaining, daily.resets_at], [5, 5, "2026-03-16T00:00:00.000Z"]);
    // the day is 15/24 over: 5 USD at that rate is 8 by midnight
    assert.equal(daily.projected, 8);
    const fails = async (name: string, q: Record<string, unknown>, code: string, message: RegExp) =>
      assert.rejects(h.alerts.budget(name, q), (e: ApiError) => e.code === code && message.test(e.message));
    await fails("nope", {}, "budget_not_found", /no budget named "nope"/);
    await fails("per-caller", {}, "invalid_query", /^caller: required once: this budget is per caller/);
    await fails(
      "per-caller",
      { user_id: "u" },
      "invalid_query",
      /^user_id: unknown query parameter; this budget is per caller$/,
    );
    await fails(
      "monthly",
      { caller: "x" },
      "invalid_query",
      /^caller: unknown query parameter; this budget has no group_by$/,
    );
  });
});

test("rules that read the same thing in a round share one store read", async () => {
  const store = new MemoryStore();
  const h = await harness({}, store);
  const rx = await receiver();
  let reads = 0;
  const summarize = store.summarize.bind(store);
  store.summarize = (q) => {
    reads++;
    return summarize(q);
  };
  // five budgets on the same month's spend per caller, one of them on another model
  for (let i = 0; i < 4; i++) await h.alerts.create(budgetRule(rx.url, { name: `b${i}`, group_by: ["caller"] }));
  await h.alerts.create(budgetRule(rx.url, { name: "mini", group_by: ["caller"], filter: { model: "gpt-4o-mini" } }));
  await h.store.insert([span({ caller: "alice", cost_usd: 90 })]);
  await step(h);
  assert.equal(reads, 2);
  assert.equal(rx.received.length, 4);
  await step(h, 1);
  assert.equal(reads, 4, "a new round reads again");
});
