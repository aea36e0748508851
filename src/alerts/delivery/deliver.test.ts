import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { alertId, fingerprint } from "../labels.js";
import { validateRule } from "../rule.js";
import { costRule, harness, receiver, runCleanups, span, step, T0 } from "../testing/harness.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

afterEach(runCleanups);

test("http delivery carries the Alertmanager v4 fields and the tokentrace block", async () => {
  const h = await harness();
  const rx = await receiver();
  await h.store.insert([span({ cost_usd: 7 }), span({ cost_usd: 5.5 })]);
  const input = costRule(rx.url, { filter: { model: "gpt-4o", "attr.team": "a" } });
  await h.alerts.create(input);
  const rule = validateRule(input);
  assert.ok(rule.ok);
  const id = alertId(rule.rule, T0);
  await h.store.insert([span({ attributes: { team: "a" }, cost_usd: 12.5 })]);
  await step(h);
  assert.equal(rx.received.length, 1);
  const body = rx.received[0].body as Json;
  assert.equal(body.version, "4");
  assert.equal(body.status, "firing");
  assert.equal(body.alerts.length, 1);
  const a = body.alerts[0];
  assert.deepEqual(a.labels, {
    alertname: "cost-spike",
    metric: "total_cost",
    model: "gpt-4o",
    attr_team: "a",
    source: "tokentrace",
  });
  assert.equal(a.startsAt, "2026-03-15T15:00:00.000Z");
  assert.equal(a.endsAt, "0001-01-01T00:00:00Z");
  assert.equal(a.fingerprint, fingerprint(rule.rule));
  assert.equal(a.id, id);
  assert.match(a.annotations.summary, /cost-spike firing: total_cost 12\.5 \(threshold > 10\) over 1h/);
  assert.deepEqual(body.tokentrace, {
    id,
    rule: "cost-spike",
    status: "firing",
    metric: "total_cost",
    value: 12.5,
    op: "gt",
    threshold: 10,
    window: "1h",
    filter: { model: "gpt-4o", "attr.team": "a" },
    span_count: 1,
    fired_at: "2026-03-15T15:00:00.000Z",
    resolved_at: null,
    notified_at: "2026-03-15T15:00:00.000Z",
  });
  const view = h.alerts.get("cost-spike");
  assert.deepEqual(view.last_delivery, {
    status: "ok",
    notification: "firing",
    attempts: 1,
    http_status: 200,
    error: null,
    at: "2026-03-15T15:00:00.000Z",
  });
});

test("slack gets text and blocks; pagerduty triggers and resolves one incident; log writes a line", async () => {
  const h = await harness();
  const slack = await receiver();
  const pd = await receiver({ status: 202, body: '{"status":"success"}' });
  await h.store.insert([span({ cost_usd: 20 })]);
  const slackRule = costRule(slack.url, { name: "s", delivery: { type: "slack", url: `${slack.url}/services/T/B/x` } });
  await h.alerts.create(slackRule);
  const pdRule = costRule(pd.url, {
    name: "p",
    send_resolved: true,
    delivery: { type: "pagerduty", routing_key: "R0UTING", url: `${pd.url}/v2/enqueue`, severity: "warning" },
  });
  await h.alerts.create(pdRule);
  await h.alerts.create(costRule("", { name: "l", delivery: { type: "log" } }));
  await step(h);
  const s = slack.received[0].body as Json;
  assert.match(s.text, /^:rotating_light: s firing: total_cost 20/);
  assert.deepEqual(
    s.blocks.map((b: { type: string }) => b.type),
    ["header", "section", "context"],
  );
  const trigger = pd.received[0].body as Json;
  const check = validateRule(pdRule);
  assert.ok(check.ok);
  assert.equal(trigger.event_action, "trigger");
  assert.equal(trigger.routing_key, "R0UTING");
  assert.equal(trigger.dedup_key, alertId(check.rule, T0), "the episode's id: the rule and when it began firing");
  assert.equal(trigger.payload.custom_details.id, trigger.dedup_key);
  assert.equal(trigger.payload.severity, "warning");
  assert.equal(trigger.payload.custom_details.value, 20);
  assert.equal(pd.received[0].path, "/v2/enqueue");
  const log = validateRule(costRule("", { name: "l", delivery: { type: "log" } }));
  assert.ok(log.ok);
  const sr = validateRule(slackRule);
  assert.ok(sr.ok);
  assert.match(s.blocks[2].elements[0].text, new RegExp(`id ${alertId(sr.rule, T0)} `));
  assert.deepEqual(h.logs, [
    `tokentrace alert: l firing: total_cost 20 (threshold > 10) over 1h (id ${alertId(log.rule, T0)})`,
  ]);
  // two hours on, the spend is out of the window: the incident is resolved with the same key
  await step(h, 120);
  assert.equal(pd.received.length, 2);
  assert.deepEqual(pd.received[1].body, {
    routing_key: "R0UTING",
    event_action: "resolve",
    dedup_key: trigger.dedup_key,
  });
});

test("503 twice then 200 is three attempts with backoff; 400 is one attempt and shown as failed", async () => {
  const h = await harness();
  const flaky = await receiver({ status: 503 }, { status: 503 });
  const broken = await receiver({ status: 400, body: "bad payload" });
  await h.store.insert([span({ cost_usd: 20 })]);
  await h.alerts.create(costRule(flaky.url, { name: "flaky" }));
  await h.alerts.create(costRule(broken.url, { name: "broken" }));
  await step(h);
  assert.equal(flaky.received.length, 3);
  assert.deepEqual(h.waits, [500, 1000]);
  assert.equal(broken.received.length, 1);
  const [f, b] = h.alerts.list();
  assert.equal((f.last_delivery as Record<string, unknown>).status, "ok");
  assert.equal((f.last_delivery as Record<string, unknown>).attempts, 3);
  assert.deepEqual(b.last_delivery, {
    status: "failed",
    notification: "firing",
    attempts: 1,
    http_status: 400,
    error: "HTTP 400 Bad Request",
    at: "2026-03-15T15:00:00.000Z",
  });
});

test("a receiver that never answers does not hold back another rule's delivery", async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => {
    release = r;
  });
  const h = await harness({
    // the slow rule's backoff waits until the test releases it
    sleep: () => held,
    retry: { maxAttempts: 2 },
  });
  const slow = await receiver({ status: 503 });
  const fast = await receiver();
  await h.store.insert([span({ cost_usd: 20 })]);
  await h.alerts.create(costRule(slow.url, { name: "a-slow" }));
  await h.alerts.create(costRule(fast.url, { name: "b-fast" }));
  await h.alerts.evaluateNow();
  const slowStatus = () => (h.alerts.get("a-slow").last_delivery as Record<string, unknown> | null)?.status;
  // ends only because b-fast's delivery does not wait behind a-slow's backoff
  while (fast.received.length === 0 || slowStatus() !== "retrying") await new Promise((r) => setImmediate(r));
  release();
  await h.alerts.idle();
  assert.equal(slow.received.length, 2);
  assert.equal((h.alerts.get("b-fast").last_delivery as Record<string, unknown>).status, "ok");
});
