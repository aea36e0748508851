import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { DEFAULT_CONFIG } from "../config/types.js";
import type { ApiError } from "../errors.js";
import { MemoryStore } from "../store/memory/index.js";
import { alertId } from "./labels.js";
import { validateRule } from "./rule.js";
import { createAlertService } from "./service.js";
import { costRule, harness, MIN, receiver, runCleanups, span, step, T0 } from "./testing/harness.js";

afterEach(runCleanups);

test("the filter narrows the metric to matching spans", async () => {
  const h = await harness();
  const rx = await receiver();
  await h.store.insert([span({ model: "gpt-4o-mini", cost_usd: 50 }), span({ model: "gpt-4o", cost_usd: 6 })]);
  await h.alerts.create(costRule(rx.url, { filter: { model: "gpt-4o" } }));
  await h.alerts.create(costRule(rx.url, { name: "mini", filter: { model: "gpt-4o-mini" } }));
  await step(h);
  const [gpt4o, mini] = h.alerts.list();
  assert.equal(gpt4o.current_value, 6);
  assert.equal(gpt4o.state, "ok");
  assert.equal(mini.current_value, 50);
  assert.equal(mini.state, "firing");
  assert.equal(rx.received.length, 1);
});

test("API rules, state and silences survive a restart; no re-fire inside the cooldown", async () => {
  const store = new MemoryStore();
  const rx = await receiver();
  await store.insert([span({ cost_usd: 20 })]);
  const first = await harness({}, store);
  const { rule_id } = await first.alerts.create(costRule(rx.url, { window: "2h", cooldown: "1h" }));
  assert.match(rule_id, /^alert_[0-9a-f]{8}$/);
  await step(first);
  assert.equal(rx.received.length, 1);
  await first.alerts.stop();

  const second = await harness({}, store);
  second.clock.now = T0 + 10 * MIN;
  const before = second.alerts.get("cost-spike");
  assert.equal(before.rule_id, rule_id);
  assert.equal(before.firing, true);
  assert.equal(before.last_fired, "2026-03-15T15:00:00.000Z");
  await step(second);
  assert.equal(rx.received.length, 1, "no second delivery inside the cooldown");
  const { silenced_until } = await second.alerts.silence("cost-spike", { duration: "2h" });
  assert.equal(silenced_until, "2026-03-15T17:10:00.000Z");
  await second.alerts.stop();

  const third = await harness({}, store);
  third.clock.now = T0 + 70 * MIN;
  await step(third);
  assert.equal(rx.received.length, 1, "silenced past the cooldown");
  const v = third.alerts.get("cost-spike");
  assert.equal(v.silenced, true);
  assert.equal(v.firing, true);
  // still over the threshold when the silence ends: one new delivery
  await store.insert([span({ cost_usd: 30, started_at: T0 + 125 * MIN })]);
  await step(third, 60);
  assert.equal(third.alerts.get("cost-spike").silenced_until, null);
  assert.equal(rx.received.length, 2);
});

test("code and config rules are read-only, keep their source and win name clashes", async () => {
  const store = new MemoryStore();
  await store.saveAlertRule("from-config", {
    name: "from-config",
    metric: "span_count",
    op: "gt",
    threshold: 1,
    window: "1h",
  });
  const config = structuredClone(DEFAULT_CONFIG);
  config.alerts.rules = [{ name: "from-config", metric: "error_rate", op: "gt", threshold: 0.1, window: "15m" }];
  const h = await harness(
    { codeRules: [{ name: "from-code", metric: "latency_p95", op: "gt", threshold: 4000, window: "30m" }], config },
    store,
  );
  assert.deepEqual(
    h.alerts.list().map((r) => [r.name, r.source, r.metric]),
    [
      ["from-code", "code", "latency_p95"],
      ["from-config", "config", "error_rate"],
    ],
  );
  await assert.rejects(h.alerts.remove("from-code"), (e: ApiError) => e.code === "alert_readonly");
  await assert.rejects(h.alerts.remove("nope"), (e: ApiError) => e.code === "alert_not_found");
  await assert.rejects(
    h.alerts.create({ name: "from-config", metric: "span_count", op: "gt", threshold: 1, window: "1h" }),
    (e: ApiError) => e.code === "alert_exists" && /defined in config/.test(e.message),
  );
});

test("an invalid or duplicate code/config rule is a start-up error naming the rule and field", async () => {
  const config = structuredClone(DEFAULT_CONFIG);
  config.alerts.rules = [{ name: "x", metric: "total_cost", op: "over", threshold: 1, window: "1h" }];
  await assert.rejects(
    createAlertService({ store: new MemoryStore(), config, now: () => T0, codeRules: [] }),
    /alerts\.rules\[0\] \(tokentrace\.yml\): op: must be one of gt, gte, lt, lte, eq, ne/,
  );
  const dup = { name: "d", metric: "total_cost", op: "gt", threshold: 1, window: "1h" };
  await assert.rejects(
    createAlertService({ store: new MemoryStore(), config: DEFAULT_CONFIG, now: () => T0, codeRules: [dup, dup] }),
    /alerts\[1\] \(tracer config\): duplicate rule name "d"/,
  );
});

test("alerts.allowed_hosts restricts API rules", async () => {
  const config = structuredClone(DEFAULT_CONFIG);
  config.alerts.allowed_hosts = ["hooks.example.com", "*.slack.com"];
  const h = await harness({ config });
  await h.alerts.create(costRule("https://hooks.example.com", { name: "ok1" }));
  await h.alerts.create(costRule("", { name: "ok2", delivery: { type: "slack", url: "https://hooks.slack.com/x" } }));
  await assert.rejects(
    h.alerts.create(costRule("http://169.254.169.254", { name: "no" })),
    (e: ApiError) =>
      e.code === "invalid_alert" && e.message === 'delivery.url: host "169.254.169.254" is not in alerts.allowed_hosts',
  );
});

test("a log delivery writes to stderr by default: `tokentrace serve` keeps stdout for its listening line", async (t) => {
  const out = t.mock.method(console, "log", () => undefined);
  const err = t.mock.method(console, "error", () => undefined);
  const h = await harness({ log: undefined });
  await h.store.insert([span({ cost_usd: 20 })]);
  await h.alerts.create(costRule("", { delivery: { type: "log" } }));
  await step(h);
  assert.equal(out.mock.callCount(), 0);
  assert.deepEqual(
    err.mock.calls.map((c) => c.arguments[0]),
    [`tokentrace alert: cost-spike firing: total_cost 20 (threshold > 10) over 1h (id ${logId()})`],
  );
});

/** The episode id of the log rule of the stderr test, which began firing at T0. */
function logId(): string {
  const r = validateRule(costRule("", { delivery: { type: "log" } }));
  assert.ok(r.ok);
  return alertId(r.rule, T0);
}
