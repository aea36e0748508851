// Conformance, part two: alert persistence, health, close and durability.
import assert from "node:assert/strict";
import type { Store } from "../store.js";
import { span, T0 } from "./conformance-fixtures.js";

export interface OpenedStore {
  store: Store;
  /** Opens the same storage again after `store` was closed (durable drivers only). */
  reopen?: () => Promise<Store>;
  /** Closes whatever is still open and removes the storage. */
  cleanup(): Promise<void>;
}

export interface ConformanceOptions {
  /** The driver keeps data across close + reopen: `open` must then provide `reopen`. */
  durable: boolean;
}

/** Registers one test that runs `body` against a fresh store and always cleans up. */
export type WithStore = (title: string, body: (s: Store, o: OpenedStore) => Promise<void>) => void;

/** Registers the alert, health and durability tests (called by runStoreConformance). */
export function lifecycleTests(withStore: WithStore, opts: ConformanceOptions): void {
  withStore("alert rules: save, list, overwrite, delete", async (s) => {
    assert.deepEqual(await s.listAlertRules(), []);
    const rule = { name: "cost", metric: "total_cost", op: "gt", threshold: 12.5, filter: { model: "gpt-4o" } };
    await s.saveAlertRule("cost", rule);
    await s.saveAlertRule("a 'quoted' rule", { name: "a 'quoted' rule", nested: { list: [1, "two", null] } });
    assert.deepEqual(await s.listAlertRules(), [{ name: "a 'quoted' rule", nested: { list: [1, "two", null] } }, rule]);
    await s.saveAlertRule("cost", { ...rule, threshold: 20 });
    assert.deepEqual((await s.listAlertRules()).length, 2);
    assert.deepEqual((await s.listAlertRules())[1], { ...rule, threshold: 20 });
    assert.equal(await s.deleteAlertRule("cost"), true);
    assert.equal(await s.deleteAlertRule("cost"), false);
    assert.deepEqual(await s.listAlertRules(), [{ name: "a 'quoted' rule", nested: { list: [1, "two", null] } }]);
  });

  withStore("alert state: save, load, overwrite", async (s) => {
    assert.deepEqual(await s.loadAlertStates(), {});
    await s.saveAlertState("cost", { state: "firing", last_fired: T0 });
    await s.saveAlertState("latency", { state: "ok", silenced_until: null });
    await s.saveAlertState("cost", {
      state: "ok",
      last_fired: T0,
      last_delivery: { status: "error", error: "HTTP 500" },
    });
    assert.deepEqual(await s.loadAlertStates(), {
      cost: { state: "ok", last_fired: T0, last_delivery: { status: "error", error: "HTTP 500" } },
      latency: { state: "ok", silenced_until: null },
    });
  });

  withStore("health is ok on a working store; close is idempotent", async (s) => {
    await s.insert([span()]);
    assert.deepEqual(s.health(), { ok: true });
    if (s.probe) assert.deepEqual(await s.probe(), { ok: true });
    await s.close();
    await s.close();
  });

  if (opts.durable) {
    withStore("spans, rules and state survive close and reopen", async (s, o) => {
      assert.ok(o.reopen, "a durable driver must provide reopen");
      const a = span({ attributes: { k: "v" } });
      await s.insert([a]);
      await s.saveAlertRule("r", { name: "r" });
      await s.saveAlertState("r", { state: "firing" });
      await s.close();
      const again = await o.reopen();
      try {
        assert.deepEqual(await again.getTrace(a.trace_id), [a]);
        const found = await again.searchTraces({ attrs: { k: "v" }, limit: 20, offset: 0 });
        assert.deepEqual(
          found.traces.map((t) => t[0].trace_id),
          [a.trace_id],
        );
        assert.deepEqual(await again.listAlertRules(), [{ name: "r" }]);
        assert.deepEqual(await again.loadAlertStates(), { r: { state: "firing" } });
      } finally {
        await again.close();
      }
    });
  }
}
