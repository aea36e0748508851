// Group-by rules through the alert service: one rule, one alert per caller, with its own
// notifications, labels, dedup key, silence and place in GET /alerts.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { ApiError } from "../errors.js";
import { MemoryStore } from "../store/memory/index.js";
import { alertId } from "./labels.js";
import { validateRule } from "./rule.js";
import { costRule, harness, MIN, receiver, runCleanups, span, step, T0 } from "./testing/harness.js";

afterEach(runCleanups);

type Body = {
  status: string;
  alerts: { labels: Record<string, string>; fingerprint: string; id: string }[];
  tokentrace: { group?: Record<string, string>; value: number };
  commonAnnotations: { summary: string };
};
const bodies = (rx: { received: { body: unknown }[] }) => rx.received.map((r) => r.body as Body);

describe("group-by rules", () => {
  test("validation: one key, max_groups only with group_by, canonical form accepted again", () => {
    const ok = validateRule({ ...costRule("http://x.example.com"), group_by: ["user_id"] });
    assert.ok(ok.ok);
    assert.deepEqual([ok.rule.group_by, ok.rule.max_groups], [["user_id"], 100]);
    assert.deepEqual(validateRule(ok.rule), ok);
    const plain = validateRule(costRule("http://x.example.com"));
    assert.ok(plain.ok);
    assert.equal("group_by" in plain.rule, false);
    const errors = (over: Record<string, unknown>) => {
      const r = validateRule({ ...costRule("http://x.example.com"), ...over });
      assert.ok(!r.ok);
      return r.errors.map((e) => `${e.path}: ${e.message}`);
    };
    assert.deepEqual(errors({ group_by: "user_id" }), ["group_by: must be a list of one key, such as [user_id]"]);
    assert.deepEqual(errors({ group_by: [] }), ["group_by: must be a list of one key, such as [user_id]"]);
    assert.deepEqual(errors({ group_by: ["model", "caller"] }), [
      "group_by: one key only (a rule groups by one dimension)",
    ]);
    assert.match(errors({ group_by: ["has space"] })[0], /^group_by\[0\]: must be model, provider, caller/);
    assert.deepEqual(errors({ max_groups: 5 }), ["max_groups: applies only with group_by"]);
    assert.deepEqual(errors({ group_by: ["caller"], max_groups: 0 }), ["max_groups: must be an integer >= 1"]);
    assert.deepEqual(errors({ group_by: ["caller"], max_groups: 10_001 }), ["max_groups: must be at most 10000"]);
  });

  test("each caller is an alert of its own: firing, labels, dedup key, resolved, GET /alerts", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.store.insert([
      span({ caller: "search", cost_usd: 12 }),
      span({ caller: "chat", cost_usd: 4 }),
      span({ caller: null, cost_usd: 50 }),
    ]);
    await h.alerts.create(costRule(rx.url, { group_by: ["caller"], send_resolved: true }));
    await step(h);
    let sent = bodies(rx);
    // spans without a caller are no group: their 50 USD fire nothing
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].alerts[0].labels, {
      alertname: "cost-spike",
      metric: "total_cost",
      caller: "search",
      source: "tokentrace",
    });
    assert.deepEqual(sent[0].tokentrace.group, { caller: "search" });
    assert.match(sent[0].commonAnnotations.summary, /cost-spike firing: total_cost 12 .* for caller=search$/);
    const rule = h.alerts.get("cost-spike");
    assert.equal(rule.firing, true);
    assert.equal(rule.current_value, 12);
    assert.deepEqual(rule.group_by, ["caller"]);
    assert.deepEqual(rule.groups, {
      firing: [
        {
          group: { caller: "search" },
          firing_since: new Date(T0).toISOString(),
          current_value: 12,
          span_count: 1,
          silenced_until: null,
        },
      ],
      silenced: [],
      tracked: 2,
      groups_total: 2,
      too_many_groups: false,
    });

    await h.store.insert([span({ caller: "chat", cost_usd: 11, started_at: T0 + 8 * MIN })]);
    await step(h, 10);
    sent = bodies(rx);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1].tokentrace.group, { caller: "chat" });
    // two episodes of two groups: two incidents, each with its own id and fingerprint
    assert.notEqual(sent[1].alerts[0].fingerprint, sent[0].alerts[0].fingerprint);
    assert.notEqual(sent[1].alerts[0].id, sent[0].alerts[0].id);

    // an hour later search's spans are out of the window: search resolves, chat still fires
    await step(h, 56);
    sent = bodies(rx);
    assert.equal(sent.length, 3);
    assert.equal(sent[2].status, "resolved");
    assert.deepEqual(sent[2].tokentrace.group, { caller: "search" });
    assert.equal(sent[2].alerts[0].id, sent[0].alerts[0].id);
    const after = h.alerts.get("cost-spike") as { groups: { firing: { group: unknown }[] }; firing: boolean };
    assert.equal(after.firing, true);
    assert.deepEqual(
      after.groups.firing.map((f) => f.group),
      [{ caller: "chat" }],
    );
  });

  test("a silence of one group mutes that group only; DELETE with the key lifts it", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.store.insert([span({ caller: "search", cost_usd: 12 }), span({ caller: "chat", cost_usd: 12 })]);
    await h.alerts.create(costRule(rx.url, { group_by: ["caller"], cooldown: "5m" }));
    const { silenced_until } = await h.alerts.silence("cost-spike", { duration: "1h", group: { caller: "search" } });
    assert.equal(silenced_until, new Date(T0 + 60 * MIN).toISOString());
    await step(h);
    assert.deepEqual(
      bodies(rx).map((b) => b.tokentrace.group),
      [{ caller: "chat" }],
    );
    const view = h.alerts.get("cost-spike") as { silenced: boolean; groups: { silenced: unknown[] } };
    assert.equal(view.silenced, false);
    assert.deepEqual(view.groups.silenced, [
      { group: { caller: "search" }, silenced_until: new Date(T0 + 60 * MIN).toISOString() },
    ]);
    await h.alerts.unsilence("cost-spike", { caller: "search" });
    await step(h, 6);
    assert.deepEqual(
      bodies(rx).map((b) => b.tokentrace.group),
      [{ caller: "chat" }, { caller: "chat" }, { caller: "search" }],
    );
    const bad = async (group: unknown, message: RegExp) =>
      assert.rejects(h.alerts.silence("cost-spike", { duration: "1h", group }), (e: ApiError) => {
        assert.equal(e.status, 400);
        assert.match(e.message, message);
        return true;
      });
    await bad({ model: "gpt-4o" }, /^group: must name the rule's group_by key, e.g. \{"caller": "\.\.\."\}$/);
    await bad("search", /^group: must name/);
    await bad({ caller: "" }, /^group: must name/);
  });

  test("a silence of the whole rule mutes every group", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.store.insert([span({ caller: "search", cost_usd: 12 }), span({ caller: "chat", cost_usd: 12 })]);
    await h.alerts.create(costRule(rx.url, { group_by: ["caller"] }));
    await h.alerts.silence("cost-spike", { duration: "1h" });
    await step(h);
    assert.equal(rx.received.length, 0);
    assert.equal(h.alerts.get("cost-spike").firing, true);
    const noGroups = await h.alerts.create(costRule(rx.url, { name: "plain" }));
    assert.ok(noGroups);
    await assert.rejects(h.alerts.silence("plain", { duration: "1h", group: { caller: "x" } }), /no group_by/);
  });

  test("past max_groups the rule tracks what it can and notifies once", async () => {
    const h = await harness();
    const rx = await receiver();
    await h.store.insert(Array.from({ length: 6 }, (_, i) => span({ caller: `c${i}`, cost_usd: i === 4 ? 30 : 1 })));
    await h.alerts.create(costRule(rx.url, { group_by: ["caller"], max_groups: 3 }));
    await step(h);
    await step(h, 1);
    const sent = bodies(rx);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0].tokentrace.group, { caller: "c4" });
    assert.match(
      sent[1].commonAnnotations.summary,
      /^cost-spike: too_many_groups: 6 caller groups matched; the rule tracks at most 3 \(max_groups\)$/,
    );
    const view = h.alerts.get("cost-spike") as { groups: Record<string, unknown> };
    assert.equal(view.groups.too_many_groups, true);
    assert.equal(view.groups.groups_total, 6);
    assert.equal(view.groups.tracked, 3);
  });

  test("groups, their episodes and silences survive a restart", async () => {
    const store = new MemoryStore();
    const rx = await receiver();
    await store.insert([span({ caller: "search", cost_usd: 12 })]);
    const first = await harness({}, store);
    await first.alerts.create(costRule(rx.url, { group_by: ["caller"], cooldown: "2h" }));
    await step(first);
    await first.alerts.silence("cost-spike", { duration: "3h", group: { caller: "chat" } });
    await first.alerts.stop();
    const second = await harness({}, store);
    second.clock.now = T0 + 10 * MIN;
    await store.insert([span({ caller: "chat", cost_usd: 20, started_at: T0 + 5 * MIN })]);
    await step(second);
    // search: still inside its cooldown; chat: silenced
    assert.equal(rx.received.length, 1, JSON.stringify(bodies(rx).map((b) => [b.status, b.tokentrace.group])));
    const [{ id }] = bodies(rx)[0].alerts;
    const view = second.alerts.get("cost-spike") as { groups: { firing: { group: unknown }[] } };
    assert.equal(view.groups.firing.length, 2);
    assert.equal(
      id,
      alertId(validateRuleOk(costRule(rx.url, { group_by: ["caller"], cooldown: "2h" })), T0, { caller: "search" }),
    );
  });
});

function validateRuleOk(input: unknown) {
  const r = validateRule(input);
  assert.ok(r.ok);
  return r.rule;
}
