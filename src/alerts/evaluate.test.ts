import assert from "node:assert/strict";
import { test } from "node:test";
import { compare, evaluate, type MetricReading, type Notification } from "./evaluate.js";
import { type AlertRule, validateRule } from "./rule.js";
import { type AlertState, initialState, readState } from "./state.js";

const T0 = Date.UTC(2026, 2, 15, 14, 0, 0);
const MIN = 60_000;

function rule(over: Record<string, unknown> = {}): AlertRule {
  const r = validateRule({
    name: "cost-spike",
    metric: "total_cost",
    op: "gt",
    threshold: 10,
    window: "1h",
    cooldown: "30m",
    ...over,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.rule;
}

/** Steps a rule through readings one minute apart (a fake clock), collecting everything it sends. */
function run(r: AlertRule, readings: (number | null | MetricReading)[], start: AlertState = initialState()) {
  let state = start;
  const sent: { minute: number; n: Notification }[] = [];
  const states: AlertState[] = [];
  readings.forEach((v, minute) => {
    const reading = typeof v === "object" && v !== null ? v : { value: v, span_count: v === null ? 0 : 5 };
    const out = evaluate(r, state, T0 + minute * MIN, reading);
    state = out.state;
    states.push(state);
    for (const n of out.notifications) sent.push({ minute, n });
  });
  return { state, states, sent };
}

test("each op compares value to threshold", () => {
  const cases: [Parameters<typeof compare>[0], boolean, boolean, boolean][] = [
    // op, below, equal, above
    ["gt", false, false, true],
    ["gte", false, true, true],
    ["lt", true, false, false],
    ["lte", true, true, false],
    ["eq", false, true, false],
    ["ne", true, false, true],
  ];
  for (const [op, below, equal, above] of cases) {
    assert.equal(compare(op, 9.99, 10), below, `${op} below`);
    assert.equal(compare(op, 10, 10), equal, `${op} equal`);
    assert.equal(compare(op, 10.01, 10), above, `${op} above`);
    const { sent, state } = run(rule({ op }), [10.01]);
    assert.equal(sent.length, above ? 1 : 0, `${op} fires above`);
    assert.equal(state.state, above ? "firing" : "ok");
  }
});

test("crossing the threshold fires once with the value and episode start", () => {
  const { sent, states } = run(rule(), [5, 12.5, 14, 13]);
  assert.deepEqual(
    states.map((s) => s.state),
    ["ok", "firing", "firing", "firing"],
  );
  assert.equal(sent.length, 1);
  const { minute, n } = sent[0];
  assert.equal(minute, 1);
  assert.equal(n.status, "firing");
  assert.equal(n.value, 12.5);
  assert.equal(n.starts_at, T0 + MIN);
  assert.equal(states[3].last_fired, T0 + MIN);
  assert.equal(states[3].current_value, 13);
  assert.equal(states[3].last_evaluated, T0 + 3 * MIN);
});

test("a rule still firing repeats only after the cooldown", () => {
  const readings = Array.from({ length: 65 }, () => 20);
  const { sent } = run(rule({ cooldown: "30m" }), readings);
  assert.deepEqual(
    sent.map((s) => s.minute),
    [0, 30, 60],
  );
  // repeats belong to the same episode
  assert.ok(sent.every((s) => s.n.starts_at === T0));
});

test("a flapping rule does not notify again inside the cooldown", () => {
  const { sent, state } = run(rule({ cooldown: "30m" }), [20, 5, 20, 5, 20, ...Array(30).fill(20)]);
  assert.deepEqual(
    sent.map((s) => s.minute),
    [0, 30],
  );
  assert.equal(state.firing, true);
});

test("cooldown defaults to the window", () => {
  const r = rule({ cooldown: undefined, window: "10m" });
  const { sent } = run(r, Array(21).fill(20));
  assert.deepEqual(
    sent.map((s) => s.minute),
    [0, 10, 20],
  );
});

test("below min_spans, or without a value, the rule reports insufficient_data and does not fire", () => {
  const r = rule({ min_spans: 10 });
  const { states, sent } = run(r, [
    { value: 50, span_count: 9 },
    { value: null, span_count: 12 },
    { value: 50, span_count: 10 },
  ]);
  assert.deepEqual(
    states.map((s) => s.state),
    ["insufficient_data", "insufficient_data", "firing"],
  );
  assert.deepEqual(
    sent.map((s) => s.minute),
    [2],
  );
  // the value is still shown while data is insufficient
  assert.equal(states[0].current_value, 50);
  // min_spans 0 evaluates an empty window (e.g. "no traffic" on span_count)
  const quiet = run(rule({ metric: "span_count", op: "lt", threshold: 1, min_spans: 0 }), [
    { value: 0, span_count: 0 },
  ]);
  assert.equal(quiet.state.state, "firing");
});

test("a silenced rule evaluates but sends nothing, and speaks again when the silence expires", () => {
  const silencedUntil = T0 + 10 * MIN;
  const start = { ...initialState(), silenced_until: silencedUntil };
  const { states, sent } = run(rule({ cooldown: "1h" }), Array(12).fill(20), start);
  assert.equal(states[0].state, "firing");
  assert.equal(states[0].last_fired, null, "a suppressed notification does not start the cooldown");
  assert.equal(states[9].silenced_until, silencedUntil);
  assert.equal(states[10].silenced_until, null, "expired silences are cleared");
  assert.deepEqual(
    sent.map((s) => s.minute),
    [10],
  );
  assert.equal(sent[0].n.starts_at, T0, "the episode began while silenced");
});

test("send_resolved sends the end of an episode the receiver heard about", () => {
  const { sent, states } = run(rule({ send_resolved: true }), [20, 20, 5, 5]);
  assert.deepEqual(
    sent.map((s) => [s.minute, s.n.status]),
    [
      [0, "firing"],
      [2, "resolved"],
    ],
  );
  assert.equal(sent[1].n.starts_at, T0);
  assert.equal(sent[1].n.ends_at, T0 + 2 * MIN);
  assert.equal(sent[1].n.value, 5);
  assert.equal(states[2].firing_since, null);
  // without send_resolved nothing is sent when it clears
  assert.equal(run(rule(), [20, 5]).sent.length, 1);
  // an episode nobody was told about (silenced) resolves quietly
  const silenced = { ...initialState(), silenced_until: T0 + 5 * MIN };
  assert.equal(run(rule({ send_resolved: true }), [20, 5], silenced).sent.length, 0);
  // losing data ends the episode too
  const lost = run(rule({ send_resolved: true }), [20, null]);
  assert.deepEqual(
    lost.sent.map((s) => s.n.status),
    ["firing", "resolved"],
  );
  assert.equal(lost.state.state, "insufficient_data");
});

test("state read back from the store keeps the cooldown (a restart does not re-fire)", () => {
  const first = run(rule({ cooldown: "1h" }), [20]);
  const persisted = JSON.parse(JSON.stringify(first.state));
  const restored = readState(persisted);
  assert.deepEqual(restored, first.state);
  const again = evaluate(rule({ cooldown: "1h" }), restored, T0 + 5 * MIN, { value: 20, span_count: 5 });
  assert.equal(again.notifications.length, 0);
  assert.equal(readState({ nonsense: true, state: "weird" }).state, "insufficient_data");
  const retrying = readState({ last_delivery: { status: "retrying", attempts: 2, at: T0, error: null } });
  assert.equal(retrying.last_delivery?.status, "failed");
});
