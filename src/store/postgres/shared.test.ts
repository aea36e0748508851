// Several stores (as several servers would) on one database schema.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import { span } from "../testing/conformance-fixtures.js";
import { parseStorageUrl } from "./connect.js";
import { PostgresStore } from "./driver.js";
import { MIGRATIONS } from "./migrate.js";
import { SKIP_PG, scratchSchema } from "./testing/scratch.js";

describe("postgres: several instances on one database", { skip: SKIP_PG }, () => {
  test("instances starting at once apply each migration once and share everything", async () => {
    const s = scratchSchema();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(s.url)));
    try {
      const c = new pg.Client({ connectionString: parseStorageUrl(s.url).connectionString });
      await c.connect();
      const r = await c.query(`SELECT version FROM "${s.schema}".tokentrace_migrations ORDER BY version`);
      await c.end();
      assert.deepEqual(
        r.rows.map((x) => x.version),
        MIGRATIONS.map((_, i) => i + 1),
      );
      const a = span();
      await stores[0].insert([a]);
      await stores[1].saveAlertRule("r", { name: "r" });
      await stores[2].saveAlertState("r", { silenced_until: 5 });
      for (const st of stores) {
        assert.deepEqual(await st.getTrace(a.trace_id), [a]);
        assert.deepEqual(await st.listAlertRules(), [{ name: "r" }]);
        assert.deepEqual(await st.loadAlertStates(), { r: { silenced_until: 5 } });
      }
    } finally {
      for (const st of stores) await st.close();
      await s.drop();
    }
  });

  test("two instances adding one rule name at once: exactly one succeeds", async () => {
    const s = scratchSchema();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(s.url)));
    try {
      const added = await Promise.all(stores.map((st, i) => st.addAlertRule("r", { name: "r", by: i })));
      assert.equal(added.filter(Boolean).length, 1);
      const winner = added.indexOf(true);
      assert.deepEqual(await stores[0].listAlertRules(), [{ name: "r", by: winner }]);
    } finally {
      for (const st of stores) await st.close();
      await s.drop();
    }
  });

  test("a silence and an evaluation written by two instances keep each other's fields", async () => {
    const s = scratchSchema();
    const [leader, other] = await Promise.all([PostgresStore.open(s.url), PostgresStore.open(s.url)]);
    try {
      // no state yet: the whole state is written, whichever part
      await leader.saveAlertStatePart("r", { state: "ok", firing: false, silenced_until: null }, "evaluation");
      // a silence on the other instance, from its older copy of the state
      await other.saveAlertStatePart("r", { state: "insufficient_data", silenced_until: 99 }, "silence");
      assert.deepEqual((await leader.loadAlertStates()).r, { state: "ok", firing: false, silenced_until: 99 });
      // the leader's next round, from its copy without the silence
      await leader.saveAlertStatePart("r", { state: "firing", firing: true, silenced_until: null }, "evaluation");
      assert.deepEqual((await other.loadAlertStates()).r, { state: "firing", firing: true, silenced_until: 99 });
      await other.saveAlertStatePart("r", { state: "ok", silenced_until: null }, "silence");
      assert.deepEqual((await leader.loadAlertStates()).r, { state: "firing", firing: true, silenced_until: null });
      // a group-by rule's group silences belong to the silence part too
      await other.saveAlertStatePart(
        "r",
        { silenced_until: null, group_silences: { '{"user_id":"u1"}': 7 } },
        "silence",
      );
      await leader.saveAlertStatePart("r", { state: "ok", firing: false, silenced_until: null }, "evaluation");
      assert.deepEqual((await other.loadAlertStates()).r, {
        state: "ok",
        firing: false,
        silenced_until: null,
        group_silences: { '{"user_id":"u1"}': 7 },
      });
      await other.saveAlertStatePart("r", { silenced_until: null, group_silences: {} }, "silence");
      await leader.saveAlertStatePart(
        "r",
        { state: "ok", firing: false, silenced_until: null, group_silences: { '{"user_id":"u1"}': 7 } },
        "evaluation",
      );
      assert.deepEqual((await other.loadAlertStates()).r.group_silences, {});
      // a whole write (a rule created again under this name) replaces everything
      await other.saveAlertState("r", { state: "insufficient_data" });
      assert.deepEqual((await leader.loadAlertStates()).r, { state: "insufficient_data" });
    } finally {
      await leader.close();
      await other.close();
      await s.drop();
    }
  });

  test("one instance leads alert evaluation; when it goes, another takes over", async () => {
    const s = scratchSchema();
    const [a, b] = await Promise.all([PostgresStore.open(s.url), PostgresStore.open(s.url)]);
    const other = scratchSchema();
    const elsewhere = await PostgresStore.open(other.url);
    try {
      assert.equal(await a.tryLeadAlerts(), true);
      assert.equal(await a.tryLeadAlerts(), true, "a keeps leading");
      assert.equal(await b.tryLeadAlerts(), false);
      assert.equal(await elsewhere.tryLeadAlerts(), true, "another schema has its own leader");
      await a.close(); // ends the lock's session, as a process exit would
      assert.equal(await b.tryLeadAlerts(), true);
      assert.equal(await a.tryLeadAlerts(), false, "a closed store never leads");
    } finally {
      await a.close();
      await b.close();
      await elsewhere.close();
      await s.drop();
      await other.drop();
    }
  });
});
