// Two alert services on one store that says it is shared (as two servers on one PostgreSQL
// database): what one writes through the API, the other answers with at once.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import type { ApiError } from "../errors.js";
import { MemoryStore } from "../store/memory/index.js";
import { costRule, harness, runCleanups } from "./testing/harness.js";

afterEach(runCleanups);

/** A view of `store` as one instance sees it: shared, leading or not. */
function instance(store: MemoryStore, leads: boolean): MemoryStore {
  return Object.assign(Object.create(store) as MemoryStore, { tryLeadAlerts: async () => leads });
}

test("a rule created, silenced or deleted on one instance is seen by the other's next read", async () => {
  const store = new MemoryStore();
  const a = (await harness({}, instance(store, true))).alerts;
  const b = (await harness({}, instance(store, false))).alerts;
  const { rule_id } = await a.create(costRule("https://hooks.example.com/x"));
  await b.sync();
  assert.deepEqual(
    b.list().map((r) => [r.name, r.rule_id]),
    [["cost-spike", rule_id]],
  );
  await assert.rejects(b.create(costRule("https://hooks.example.com/x")), (e: ApiError) => e.code === "alert_exists");

  const { silenced_until } = await a.silence("cost-spike", { duration: "2h" });
  await b.sync();
  assert.equal(b.get("cost-spike").silenced_until, silenced_until);

  await b.remove("cost-spike");
  await a.sync();
  assert.deepEqual(a.list(), []);
  await assert.rejects(a.silence("cost-spike", { duration: "1h" }), (e: ApiError) => e.code === "alert_not_found");
});

test("a name another instance took after this one read the rules is alert_exists, not overwritten", async () => {
  const store = instance(new MemoryStore(), true);
  const h = await harness({}, store);
  Object.assign(store, {
    // what PostgreSQL answers when the INSERT ... ON CONFLICT DO NOTHING finds the name taken
    addAlertRule: async () => false,
  });
  await assert.rejects(
    h.alerts.create(costRule("https://hooks.example.com/x")),
    (e: ApiError) => e.code === "alert_exists",
  );
  assert.deepEqual(h.alerts.list(), []);
  assert.deepEqual(await store.listAlertRules(), []);
});

test("a store that cannot be read is store_unavailable, not a stale answer", async () => {
  const store = instance(new MemoryStore(), true);
  const h = await harness({}, store);
  Object.assign(store, {
    listAlertRules: async () => {
      throw new Error("connection refused");
    },
  });
  await assert.rejects(
    h.alerts.sync(),
    (e: ApiError) => e.code === "store_unavailable" && !/connection refused/.test(e.message),
  );
  await assert.rejects(
    h.alerts.create(costRule("https://hooks.example.com/x")),
    (e: ApiError) => e.code === "store_unavailable",
  );
});

test("a store of one process is not read again: its memory is the truth", async () => {
  const store = new MemoryStore();
  const h = await harness({}, store);
  let reads = 0;
  const list = store.listAlertRules.bind(store);
  Object.assign(store, {
    listAlertRules: async () => {
      reads++;
      return list();
    },
  });
  await h.alerts.create(costRule("https://hooks.example.com/x"));
  await h.alerts.sync();
  assert.equal(h.alerts.list().length, 1);
  assert.equal(reads, 0);
});
