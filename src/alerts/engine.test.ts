// Reloading rules and state from a shared store never replaces what this process wrote
// more recently: a write still on its way is awaited, and a write made while the store is
// read wins over what was read.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStore } from "../store/memory/index.js";
import type { JsonObject } from "../store/store.js";
import { AlertEngine } from "./engine.js";
import { alertId } from "./labels.js";
import { initialState, readState } from "./state.js";
import { span, T0 } from "./testing/harness.js";

const RULE = { name: "r", metric: "span_count", op: "gt", threshold: 1, window: "1h", rule_id: "alert_0000000a" };

function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { wait, open };
}

async function engineOn(store: MemoryStore): Promise<AlertEngine> {
  await store.saveAlertRule("r", RULE);
  const engine = new AlertEngine({
    store,
    policy: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
    hooks: { sleep: async () => {}, random: () => 0 },
    now: () => T0,
    log: () => {},
    warn: () => {},
  });
  await engine.load([]);
  return engine;
}

test("a state written while the store is read is kept, not replaced by the older copy read", async () => {
  const store = new MemoryStore();
  const engine = await engineOn(store);
  await engine.setState("r", { ...initialState(), state: "ok", last_evaluated: T0 });
  const reading = gate();
  const read = store.loadAlertStates.bind(store);
  let gated = true;
  Object.assign(store, {
    loadAlertStates: async (): Promise<Record<string, JsonObject>> => {
      const old = await read();
      if (gated) await reading.wait;
      return old;
    },
  });
  const loading = engine.load([]);
  await new Promise((r) => setImmediate(r));
  await engine.setState("r", { ...engine.state("r"), state: "firing", firing: true, last_evaluated: T0 + 1 });
  reading.open();
  await loading;
  assert.equal(engine.state("r").state, "firing");
  // the next load reads the newer state back from the store
  gated = false;
  await engine.load([]);
  assert.equal(engine.state("r").last_evaluated, T0 + 1);
});

test("a write still on its way to the store is awaited before the store is read", async () => {
  const store = new MemoryStore();
  const engine = await engineOn(store);
  const writing = gate();
  const save = store.saveAlertState.bind(store);
  Object.assign(store, {
    saveAlertState: async (name: string, state: JsonObject) => {
      await writing.wait;
      await save(name, state);
    },
  });
  const written = engine.setState("r", { ...initialState(), state: "ok", silenced_until: T0 + 5 });
  let loaded = false;
  const loading = engine.load([]).then(() => {
    loaded = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(loaded, false, "load waits for the write");
  writing.open();
  await Promise.all([written, loading]);
  assert.equal(engine.state("r").silenced_until, T0 + 5);
});

test("evaluation and silence writes go to saveAlertStatePart where the store has it", async () => {
  const store = new MemoryStore();
  const engine = await engineOn(store);
  const parts: string[] = [];
  Object.assign(store, {
    saveAlertStatePart: async (_n: string, _s: JsonObject, part: string) => {
      parts.push(part);
    },
  });
  await engine.setState("r", initialState(), "evaluation");
  await engine.setState("r", initialState(), "silence");
  await engine.setState("r", initialState());
  await engine.forget("r");
  assert.deepEqual(parts, ["evaluation", "silence"]);
});

test("a round written while the store is read keeps the store's silence, set meanwhile by another instance", async () => {
  const store = new MemoryStore();
  const engine = await engineOn(store);
  await engine.setState("r", { ...initialState(), state: "ok", last_evaluated: T0 });
  const reading = gate();
  const read = store.loadAlertStates.bind(store);
  Object.assign(store, {
    loadAlertStates: async (): Promise<Record<string, JsonObject>> => {
      // another instance silenced the rule just before this read
      const states = await read();
      states.r = { ...states.r, silenced_until: T0 + 3_600_000 };
      await reading.wait;
      return states;
    },
  });
  const loading = engine.load([]);
  await new Promise((r) => setImmediate(r));
  // this instance's round, started from the state before the silence, writes meanwhile
  await engine.setState("r", { ...engine.state("r"), last_evaluated: T0 + 1 }, "evaluation");
  reading.open();
  await loading;
  assert.equal(engine.state("r").last_evaluated, T0 + 1, "the round's own fields are kept");
  assert.equal(engine.state("r").silenced_until, T0 + 3_600_000, "the silence read is not undone");
});

test("finding: a notification is delivered only once the state holding its firing_since is written", async () => {
  const store = new MemoryStore();
  await store.insert([span(), span()]);
  await store.saveAlertRule("r", { ...RULE, delivery: { type: "log" } });
  const logs: string[] = [];
  const engine = new AlertEngine({
    store,
    policy: { maxAttempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
    hooks: { sleep: async () => {}, random: () => 0 },
    now: () => T0,
    log: (l) => logs.push(l),
    warn: () => {},
  });
  await engine.load([]);
  const writing = gate();
  const saving = gate();
  const save = store.saveAlertState.bind(store);
  Object.assign(store, {
    saveAlertState: async (name: string, state: JsonObject) => {
      writing.open();
      await saving.wait;
      await save(name, state);
    },
  });
  await engine.tick(T0);
  await writing.wait;
  // a log delivery would write at once (microtasks); one turn of the event loop shows it did not
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(logs, [], "nothing is sent while firing_since is not in the store");
  saving.open();
  await engine.idle();
  const stored = readState((await store.loadAlertStates()).r);
  assert.equal(stored.firing_since, T0);
  const rule = engine.entries.get("r")?.rule;
  assert.ok(rule);
  assert.deepEqual(logs, [
    `tokentrace alert: r firing: span_count 2 (threshold > 1) over 1h (id ${alertId(rule, T0)})`,
  ]);
});
