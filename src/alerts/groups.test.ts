import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  evaluateGroups,
  firingGroups,
  type GroupedState,
  type GroupNotification,
  type GroupReading,
  groupKey,
  initialGroupedState,
} from "./groups.js";
import { type AlertRule, validateRule } from "./rule.js";

const T0 = Date.UTC(2026, 2, 15, 14, 0, 0);
const MIN = 60_000;

function rule(over: Record<string, unknown> = {}): AlertRule {
  const r = validateRule({
    name: "user-spend",
    metric: "total_cost",
    op: "gt",
    threshold: 10,
    window: "1h",
    cooldown: "30m",
    send_resolved: true,
    ...over,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.rule;
}

/** user → cost; every reading has 5 spans. */
const users = (costs: Record<string, number>): GroupReading[] =>
  Object.entries(costs).map(([u, value]) => ({ labels: { user_id: u }, value, span_count: 5 }));

/** Steps the rule through rounds one minute apart (a fake clock), collecting what it sends. */
function run(
  r: AlertRule,
  rounds: GroupReading[][],
  opts: { maxGroups?: number; silence?: (m: number) => number | null } = {},
) {
  let state: GroupedState = initialGroupedState();
  const sent: { minute: number; n: GroupNotification }[] = [];
  const overflows: number[] = [];
  rounds.forEach((readings, minute) => {
    const out = evaluateGroups(r, state, T0 + minute * MIN, readings, {
      maxGroups: opts.maxGroups ?? 100,
      ruleSilencedUntil: opts.silence?.(minute) ?? null,
    });
    state = out.state;
    for (const n of out.notifications) sent.push({ minute, n });
    if (out.overflow) overflows.push(minute);
  });
  return { state, sent, overflows };
}

const summary = (sent: { minute: number; n: GroupNotification }[]) =>
  sent.map(({ minute, n }) => `${minute} ${n.status} ${n.group.user_id} ${n.value}`);

describe("group-by rules", () => {
  test("each group fires and resolves on its own", () => {
    const { sent, state } = run(rule(), [
      users({ u1: 12, u2: 3 }),
      users({ u1: 13, u2: 11 }),
      users({ u1: 4, u2: 12 }),
      users({ u1: 4, u2: 12 }),
    ]);
    assert.deepEqual(summary(sent), ["0 firing u1 12", "1 firing u2 11", "2 resolved u1 4"]);
    assert.deepEqual(firingGroups(state), [{ group: { user_id: "u2" }, since: T0 + MIN, value: 12 }]);
  });

  test("a group that disappears resolves and is forgotten; when it comes back it is new", () => {
    const { sent, state } = run(rule(), [users({ u1: 12 }), users({ u2: 1 }), users({ u1: 20 })]);
    assert.deepEqual(summary(sent), ["0 firing u1 12", "1 resolved u1 null", "2 firing u1 20"]);
    assert.deepEqual(Object.keys(state.groups).sort(), [groupKey({ user_id: "u1" })]);
  });

  test("the cooldown runs per group", () => {
    const rounds = Array.from({ length: 31 }, (_, m) => users(m === 0 ? { u1: 12 } : { u1: 12, u2: 15 }));
    const { sent } = run(rule(), rounds);
    assert.deepEqual(summary(sent), ["0 firing u1 12", "1 firing u2 15", "30 firing u1 12"]);
  });

  test("a silence of one group mutes only that group; a silence of the rule mutes all", () => {
    const r = rule();
    let state = initialGroupedState();
    const groupSilences = { [groupKey({ user_id: "u1" })]: T0 + 10 * MIN };
    const out = evaluateGroups(r, state, T0, users({ u1: 50, u2: 50 }), {
      maxGroups: 100,
      ruleSilencedUntil: null,
      groupSilences,
    });
    assert.deepEqual(
      out.notifications.map((n) => n.group.user_id),
      ["u2"],
    );
    assert.equal(out.state.groups[groupKey({ user_id: "u1" })].firing, true);
    // once the silence ends, the group still firing notifies
    const later = evaluateGroups(r, out.state, T0 + 11 * MIN, users({ u1: 50, u2: 50 }), {
      maxGroups: 100,
      ruleSilencedUntil: null,
      groupSilences,
    });
    assert.deepEqual(
      later.notifications.map((n) => n.group.user_id),
      ["u1"],
    );
    state = initialGroupedState();
    const muted = evaluateGroups(r, state, T0, users({ u1: 50, u2: 50 }), {
      maxGroups: 100,
      ruleSilencedUntil: T0 + MIN,
    });
    assert.deepEqual(muted.notifications, []);
    // silences are not written into the groups' own state
    assert.equal(muted.state.groups[groupKey({ user_id: "u2" })].silenced_until, null);
  });

  test("past max_groups: known groups first, then breaching ones; too_many_groups notifies once", () => {
    const many = (n: number, hot: string) =>
      users(Object.fromEntries(Array.from({ length: n }, (_, i) => [`u${i}`, `u${i}` === hot ? 99 : 1])));
    const { sent, state, overflows } = run(rule(), [users({ a: 1 }), many(10, "u7"), many(10, "u7"), many(2, "")], {
      maxGroups: 3,
    });
    assert.deepEqual(overflows, [1]);
    assert.deepEqual(summary(sent), ["1 firing u7 99", "3 resolved u7 null"]);
    assert.equal(state.too_many_groups, false);
    assert.equal(state.groups_total, 2);
  });
});
