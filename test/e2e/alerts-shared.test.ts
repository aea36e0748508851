// Read your writes across instances: two `tokentrace serve` processes on one PostgreSQL
// database, as behind a load balancer. A rule created, silenced, unsilenced or deleted
// through one is seen by the next request to the other at once, with no waiting for an
// evaluation round, while the leader keeps evaluating (every 100 ms here) without undoing
// a silence and without delivering a notification twice.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { type Receiver, startReceiver } from "../../src/alerts/testing/receiver.js";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";
import { callJson, makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

const schema = scratchSchema();
let dir: string;
let receiver: Receiver;
let a: ServeProcess;
let b: ServeProcess;

before(async () => {
  if (SKIP_PG) return;
  dir = await makeTempDir("tokentrace-alerts-shared-");
  receiver = await startReceiver();
  const file = await writeConfig(
    dir,
    `storage:\n  driver: postgres\n  url: "${schema.url}"\nalerts:\n  eval_interval: 100ms\n  allowed_hosts: ["127.0.0.1"]\n`,
  );
  [a, b] = await Promise.all([
    startServe({ cwd: dir, args: ["--config", file] }),
    startServe({ cwd: dir, args: ["--config", file] }),
  ]);
});

after(async () => {
  if (SKIP_PG) return;
  await a?.stop();
  await b?.stop();
  await receiver?.close();
  await schema.drop();
  await removeDir(dir);
});

const call = callJson;

const names = async (s: ServeProcess) => ((await call(s, "GET", "/alerts")).body as Json[]).map((r) => r.name);

const rule = (name: string, o: Record<string, unknown> = {}) => ({
  name,
  metric: "span_count",
  op: "gt",
  threshold: 1_000_000,
  window: "1h",
  delivery: { type: "log" },
  ...o,
});

test("create, silence, unsilence and delete on one instance are seen on the other at once", {
  skip: SKIP_PG,
}, async () => {
  for (let i = 0; i < 5; i++) {
    const [here, there] = i % 2 === 0 ? [a, b] : [b, a];
    const name = `rule-${i}`;
    const created = await call(here, "POST", "/alerts", rule(name));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.ok((await names(there)).includes(name), `GET /alerts on the other instance lists ${name}`);
    const one = await call(there, "GET", `/alerts/${name}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.rule_id, created.body.rule_id);
    // the other instance knows the name is taken
    assert.equal((await call(there, "POST", "/alerts", rule(name))).status, 409);

    const silenced = await call(here, "POST", `/alerts/${name}/silence`, { duration: "2h" });
    assert.equal(silenced.status, 200);
    const seen = (await call(there, "GET", `/alerts/${name}`)).body;
    assert.equal(seen.silenced, true);
    assert.equal(seen.silenced_until, silenced.body.silenced_until);
    assert.equal((await call(there, "DELETE", `/alerts/${name}/silence`)).status, 200);
    assert.equal((await call(here, "GET", `/alerts/${name}`)).body.silenced, false);

    assert.equal((await call(there, "DELETE", `/alerts/${name}`)).status, 204);
    assert.ok(!(await names(here)).includes(name), `${name} is gone on the instance that did not delete it`);
    assert.equal((await call(here, "GET", `/alerts/${name}`)).status, 404);
    assert.equal((await call(there, "GET", `/alerts/${name}`)).status, 404);
    // a delete followed by a read on the same instance
    const again = await call(here, "POST", "/alerts", rule(name));
    assert.equal(again.status, 201);
    assert.equal((await call(here, "DELETE", `/alerts/${name}`)).status, 204);
    assert.ok(!(await names(here)).includes(name));
    assert.ok(!(await names(there)).includes(name));
  }
});

test("one name posted to both instances at once: one 201, one 409", { skip: SKIP_PG }, async () => {
  for (let i = 0; i < 5; i++) {
    const name = `race-${i}`;
    const answers = await Promise.all([a, b].map((s) => call(s, "POST", "/alerts", rule(name))));
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, 409]);
    const winner = answers.find((r) => r.status === 201)?.body.rule_id;
    for (const s of [a, b]) assert.equal((await call(s, "GET", `/alerts/${name}`)).body.rule_id, winner);
    assert.equal((await call(b, "DELETE", `/alerts/${name}`)).status, 204);
  }
});

test("the leader's rounds keep a silence set on another instance and deliver once", { skip: SKIP_PG }, async () => {
  const spans = [1, 2, 3].map(() => ({ trace_id: randomUUID(), model: "gpt-4o", prompt_tokens: 10, comp_tokens: 1 }));
  assert.equal((await call(a, "POST", "/spans", spans)).status, 202);
  const hook = { type: "http", url: `${receiver.url}/hook` };
  const firing = rule("fires", { threshold: 0, cooldown: "1h", delivery: hook });
  assert.equal((await call(a, "POST", "/alerts", firing)).status, 201);
  assert.equal((await call(b, "POST", "/alerts", rule("quiet"))).status, 201);

  // Silences set on either instance while both keep reading (each read reloads the shared
  // state, on the leader too) and the leader writes a new state every round.
  let rounds = 0;
  let last = "";
  while (rounds < 10) {
    for (const [here, there] of [
      [a, b],
      [b, a],
    ]) {
      const until = (await call(here, "POST", "/alerts/quiet/silence", { duration: "1h" })).body.silenced_until;
      const view = (await call(there, "GET", "/alerts/quiet")).body;
      assert.equal(view.silenced_until, until);
      if (view.last_evaluated !== null && view.last_evaluated !== last) {
        last = view.last_evaluated;
        rounds++;
      }
    }
  }
  // Rounds after the last silence leave it in place; by then the firing was delivered.
  const until = (await call(a, "GET", "/alerts/quiet")).body.silenced_until;
  const later = new Set<string>();
  while (later.size < 3) {
    const view = (await call(b, "GET", "/alerts/quiet")).body;
    assert.equal(view.silenced_until, until, "an evaluation round undid the silence");
    if (view.last_evaluated !== last) later.add(view.last_evaluated);
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const s of [a, b]) {
    const view = (await call(s, "GET", "/alerts/fires")).body;
    assert.equal(view.firing, true);
    assert.equal(view.last_delivery?.status, "ok", JSON.stringify(view.last_delivery));
  }
  const fired = receiver.received.filter((r) => (r.body as Json)?.tokentrace?.rule === "fires");
  assert.equal(fired.length, 1, "one delivery in total for one firing episode");
});
