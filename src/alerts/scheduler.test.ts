import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_CONFIG } from "../config/types.js";
import { MemoryStore } from "../store/memory/index.js";
import { Scheduler } from "./scheduler.js";
import { createAlertService } from "./service.js";

const T0 = Date.UTC(2026, 2, 15, 15, 0, 0);

test("start evaluates at once; rounds run one at a time in order; stop waits for the round", async () => {
  const seen: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const s = new Scheduler({
    intervalMs: 3_600_000,
    now: () => T0,
    tick: async (now) => {
      seen.push(`start ${now}`);
      if (now === T0) await gate;
      seen.push(`end ${now}`);
    },
    onError: () => undefined,
  });
  s.start();
  const second = s.runNow(T0 + 1);
  assert.deepEqual(seen, []);
  release();
  await second;
  assert.deepEqual(seen, [`start ${T0}`, `end ${T0}`, `start ${T0 + 1}`, `end ${T0 + 1}`]);
  await s.stop();
  await s.runNow();
  assert.equal(seen.length, 4, "nothing runs after stop");
  await s.stop();
});

test("a failing round is reported and does not stop the next one", async () => {
  const errors: unknown[] = [];
  let n = 0;
  const s = new Scheduler({
    intervalMs: 1000,
    now: () => T0,
    tick: async () => {
      if (n++ === 0) throw new Error("store down");
    },
    onError: (e) => errors.push(e),
  });
  await s.runNow();
  await s.runNow();
  assert.equal(n, 2);
  assert.equal(errors.length, 1);
  await s.stop();
});

test("on a shared store every instance picks up rules other instances saved; only the leader evaluates", async () => {
  const store = new MemoryStore();
  let leader = false;
  Object.assign(store, { tryLeadAlerts: async () => leader });
  const alerts = await createAlertService({
    store,
    config: DEFAULT_CONFIG,
    now: () => T0,
    codeRules: [],
    log: () => undefined,
  });
  // another instance creates a rule through its API
  await store.saveAlertRule("other", {
    name: "other",
    metric: "span_count",
    op: "lt",
    threshold: 1,
    window: "1h",
    min_spans: 0,
  });
  await alerts.evaluateNow();
  // not leading: not evaluated, but GET /alerts (sync, then list) shows the rule on every instance
  await alerts.sync();
  const [seen] = alerts.list();
  assert.equal(seen.name, "other");
  assert.equal(seen.last_evaluated, null);
  assert.deepEqual(await store.loadAlertStates(), {});
  leader = true;
  await alerts.evaluateNow();
  await alerts.idle();
  const [r] = alerts.list();
  assert.equal(r.name, "other");
  assert.equal(r.state, "firing");
  assert.equal((await store.loadAlertStates()).other.firing, true);
  await alerts.stop();
});
