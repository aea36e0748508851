// Issue 12, point 10: on PostgreSQL, several servers share the alert rules and one leads the
// evaluation (an advisory lock). A notification must carry an id that does not depend on which
// server sends it, so a receiver can drop a duplicate after a leader change: the id comes from
// the rule and its firing start, and the firing start is in the store before anything is sent.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createAlertService } from "../../src/alerts/service.js";
import { costRule, MIN, span, T0 } from "../../src/alerts/testing/harness.js";
import { startReceiver } from "../../src/alerts/testing/receiver.js";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { PostgresStore } from "../../src/store/postgres/driver.js";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

async function server(url: string, clock: { now: number }) {
  const store = await PostgresStore.open(url);
  const config: Config = structuredClone(DEFAULT_CONFIG);
  config.alerts.allowed_hosts = ["127.0.0.1"];
  const alerts = await createAlertService({
    store,
    config,
    now: () => clock.now,
    codeRules: [],
    retry: { maxAttempts: 2 },
    sleep: async () => undefined,
    random: () => 0,
    log: () => undefined,
    warn: () => undefined,
  });
  let stopped: Promise<void> | null = null;
  return {
    store,
    alerts,
    stop() {
      // closing the store ends the leader's session: PostgreSQL releases the lock
      stopped ??= alerts.stop().then(() => store.close());
      return stopped;
    },
  };
}

test("finding: after a leader change between firing and delivery, the new leader's notification carries the same id", {
  skip: SKIP_PG,
}, async () => {
  const schema = scratchSchema();
  // the first leader's deliveries are never acknowledged (as if it died before the receiver answered)
  const rx = await startReceiver([{ status: 503 }, { status: 503 }]);
  const clock = { now: T0 };
  const a = await server(schema.url, clock);
  const b = await server(schema.url, clock);
  try {
    await a.store.insert([span({ cost_usd: 20 })]);
    const rule = costRule(rx.url, { window: "3h", cooldown: "30m", send_resolved: true });
    await a.alerts.create(rule);
    await a.alerts.evaluateNow(); // a takes the lock and fires
    await a.alerts.idle();
    await b.alerts.evaluateNow(); // b does not lead: nothing from it
    await b.alerts.idle();
    assert.equal(rx.received.length, 2, "a's two attempts, both unanswered");
    const first = rx.received[0].body as Json;
    assert.equal(first.status, "firing");
    assert.match(first.tokentrace.id, /^[0-9a-f]{16}$/);
    assert.equal(first.alerts[0].id, first.tokentrace.id);

    await a.stop(); // the leader goes away
    clock.now = T0 + 31 * MIN; // past the cooldown, the rule still firing
    await b.alerts.evaluateNow();
    await b.alerts.idle();
    assert.equal(rx.received.length, 3, "b now leads and notifies");
    const again = rx.received[2].body as Json;
    assert.equal(again.status, "firing");
    assert.equal(again.tokentrace.id, first.tokentrace.id, "same episode, same id, whichever server sends it");
    assert.equal(again.alerts[0].startsAt, first.alerts[0].startsAt);
    assert.equal(again.tokentrace.fired_at, new Date(T0).toISOString());

    // the episode ends: its resolved notification carries the id too
    clock.now = T0 + 4 * 60 * MIN;
    await b.alerts.evaluateNow();
    await b.alerts.idle();
    const resolved = rx.received[3].body as Json;
    assert.equal(resolved.status, "resolved");
    assert.equal(resolved.tokentrace.id, first.tokentrace.id);

    // a new episode is a new id
    await b.store.insert([span({ cost_usd: 30, started_at: clock.now - MIN, ended_at: clock.now })]);
    clock.now += MIN;
    await b.alerts.evaluateNow();
    await b.alerts.idle();
    const next = rx.received[4].body as Json;
    assert.equal(next.status, "firing");
    assert.notEqual(next.tokentrace.id, first.tokentrace.id);
  } finally {
    await a.stop();
    await b.stop();
    await rx.close();
    await schema.drop();
  }
});
