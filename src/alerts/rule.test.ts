import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../config/errors.js";
import { parseConfig } from "../config/load.js";
import { hostAllowed, redactDelivery } from "./delivery-spec.js";
import { describeErrors, toSpanFilter, validateRule } from "./rule.js";

const SEED_BODY = {
  name: "model-latency-alert",
  metric: "latency_p95",
  op: "gt",
  threshold: 4000,
  window: "30m",
  cooldown: "1h",
  min_spans: 10,
  filter: { model: "gpt-4o" },
  delivery: { type: "http", url: "https://hooks.example.com/alerts" },
};

function paths(input: unknown): string[] {
  const r = validateRule(input);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors.map((e) => e.path);
}

test("accepts the seed's POST /alerts body and fills in the defaults", () => {
  const r = validateRule(SEED_BODY);
  assert.ok(r.ok);
  assert.deepEqual(r.rule, { ...SEED_BODY, send_resolved: false });
  const minimal = validateRule({ name: "c", metric: "total_cost", op: "gt", threshold: 10, window: "1h" });
  assert.ok(minimal.ok);
  assert.equal(minimal.rule.cooldown, "1h");
  assert.equal(minimal.rule.min_spans, 1);
  assert.deepEqual(minimal.rule.filter, {});
  assert.deepEqual(minimal.rule.delivery, { type: "log" });
});

test("its own output validates again unchanged (config rules pass through twice)", () => {
  const r = validateRule(SEED_BODY);
  assert.ok(r.ok);
  const again = validateRule(JSON.parse(JSON.stringify(r.rule)));
  assert.deepEqual(again, r);
});

test("POST /alerts accepted a huge window (finding): window and cooldown beyond 10y are refused, naming the field", () => {
  assert.deepEqual(paths({ ...SEED_BODY, window: "99999999999y" }), ["window"]);
  assert.deepEqual(paths({ ...SEED_BODY, window: "1e308h" }), ["window"]);
  assert.deepEqual(paths({ ...SEED_BODY, cooldown: "99999999999y" }), ["cooldown"]);
  assert.equal(validateRule({ ...SEED_BODY, window: "10y", cooldown: "10y" }).ok, true);
});

test("names every bad field with its path", () => {
  assert.deepEqual(paths({}), ["name", "metric", "op", "threshold", "window"]);
  assert.deepEqual(paths({ ...SEED_BODY, threshold: "4000" }), ["threshold"]);
  assert.deepEqual(paths({ ...SEED_BODY, threshold: Number.NaN }), ["threshold"]);
  assert.deepEqual(paths({ ...SEED_BODY, op: ">" }), ["op"]);
  assert.deepEqual(paths({ ...SEED_BODY, metric: "latency" }), ["metric"]);
  assert.deepEqual(paths({ ...SEED_BODY, window: "1 hour" }), ["window"]);
  assert.deepEqual(paths({ ...SEED_BODY, window: "99999999999y" }), ["window"], "bounded at 10y");
  assert.deepEqual(paths({ ...SEED_BODY, cooldown: "11y" }), ["cooldown"]);
  assert.deepEqual(paths({ ...SEED_BODY, cooldown: 60 }), ["cooldown"]);
  assert.deepEqual(paths({ ...SEED_BODY, min_spans: 1.5 }), ["min_spans"]);
  assert.deepEqual(paths({ ...SEED_BODY, send_resolved: "yes" }), ["send_resolved"]);
  assert.deepEqual(paths({ ...SEED_BODY, name: "has space" }), ["name"]);
  assert.deepEqual(paths({ ...SEED_BODY, thresold: 3 }), ["thresold"]);
  assert.deepEqual(paths({ ...SEED_BODY, filter: { model: "", team: "x", "attr.": "y", "attr.x": {} } }), [
    "filter.model",
    "filter.team",
    "filter.attr.",
    "filter.attr.x",
  ]);
  assert.deepEqual(paths({ ...SEED_BODY, filter: { status: "failed" } }), ["filter.status"]);
  assert.deepEqual(paths({ ...SEED_BODY, filter: { model: "gpt\u0000", "attr.a\u0000": "x", caller: "\udfff" } }), [
    "filter.model",
    "filter.attr.a\\u0000",
    "filter.caller",
  ]);
  assert.deepEqual(paths({ ...SEED_BODY, delivery: { type: "http", url: "http://example.com/\ud800" } }), [
    "delivery.url",
  ]);
  assert.deepEqual(paths("rule"), [""]);
});

test("checks each delivery type", () => {
  const withDelivery = (delivery: unknown) => ({ ...SEED_BODY, delivery });
  assert.deepEqual(paths(withDelivery({ type: "http", url: "ftp://x/y" })), ["delivery.url"]);
  assert.deepEqual(paths(withDelivery({ type: "http", url: "not a url" })), ["delivery.url"]);
  assert.deepEqual(paths(withDelivery({ type: "http" })), ["delivery.url"]);
  assert.deepEqual(paths(withDelivery({ type: "email", to: "x" })), ["delivery.type"]);
  assert.deepEqual(paths(withDelivery({ type: "slack", url: "https://hooks.slack.com/x", channel: "#a" })), [
    "delivery.channel",
  ]);
  assert.deepEqual(paths(withDelivery({ type: "pagerduty" })), ["delivery.routing_key"]);
  assert.deepEqual(paths(withDelivery({ type: "pagerduty", routing_key: "k", severity: "high" })), [
    "delivery.severity",
  ]);
  assert.deepEqual(paths(withDelivery({ type: "http", url: "https://a.example/x", headers: { a: 1 } })), [
    "delivery.headers",
  ]);
  assert.deepEqual(paths(withDelivery({ type: "http", url: "https://a.example/x", timeout: "soon" })), [
    "delivery.timeout",
  ]);
  const pd = validateRule(withDelivery({ type: "pagerduty", routing_key: "R0UT1NGKEY", url: "http://127.0.0.1:1/e" }));
  assert.ok(pd.ok);
  assert.deepEqual(pd.rule.delivery, { type: "pagerduty", routing_key: "R0UT1NGKEY", url: "http://127.0.0.1:1/e" });
});

test("describes errors on one line", () => {
  const r = validateRule({ ...SEED_BODY, threshold: "x", delivery: { type: "http", url: "ftp://x" } });
  assert.ok(!r.ok);
  assert.equal(describeErrors(r.errors), "threshold: must be a finite number; delivery.url: must be an http(s) URL");
});

test("maps the filter onto the store's SpanFilter, attribute values as strings", () => {
  const r = validateRule({
    ...SEED_BODY,
    filter: { model: "gpt-4o", status: "error", "attr.tier": 2, "attr.beta": true },
  });
  assert.ok(r.ok);
  assert.deepEqual(toSpanFilter(r.rule.filter), {
    model: "gpt-4o",
    status: "error",
    attrs: { tier: "2", beta: "true" },
  });
});

test("allowed_hosts matches exact hosts and *.domain wildcards", () => {
  const d = { type: "http" as const, url: "https://hooks.example.com/a" };
  assert.equal(hostAllowed(d, null), true);
  assert.equal(hostAllowed(d, ["hooks.example.com"]), true);
  assert.equal(hostAllowed(d, ["*.example.com"]), true);
  assert.equal(hostAllowed(d, ["example.com"]), false);
  assert.equal(hostAllowed({ type: "http", url: "https://evil-example.com/" }, ["*.example.com"]), false);
  assert.equal(hostAllowed({ type: "pagerduty", routing_key: "k" }, ["events.pagerduty.com"]), true);
  assert.equal(hostAllowed({ type: "log" }, []), true);
});

test("GET /alerts masks delivery secrets", () => {
  assert.deepEqual(
    redactDelivery({ type: "http", url: "https://h.example/x", headers: { Authorization: "Bearer s" } }),
    {
      type: "http",
      url: "https://h.example/x",
      headers: { Authorization: "***" },
    },
  );
  assert.deepEqual(redactDelivery({ type: "slack", url: "https://hooks.slack.com/services/T/B/secret" }), {
    type: "slack",
    url: "https://hooks.slack.com/***",
  });
  assert.deepEqual(redactDelivery({ type: "pagerduty", routing_key: "abcdef123456" }), {
    type: "pagerduty",
    routing_key: "***3456",
  });
});

test("a deeply nested field is an error, never a crash (the text rule walks only known strings)", () => {
  let deep: unknown = "x\u0000";
  for (let i = 0; i < 20_000; i++) deep = { a: deep };
  assert.deepEqual(paths({ ...SEED_BODY, filter: { "attr.x": deep } }), ["filter.attr.x"]);
  assert.deepEqual(paths({ ...SEED_BODY, delivery: deep }), ["delivery.type"]);
  assert.deepEqual(paths({ ...SEED_BODY, a: deep }), ["a"]);
});

test("score rules: score_avg and score_p10 take a score name; every other metric refuses one", () => {
  const base = { name: "helpful-drop", metric: "score_avg", op: "lt", threshold: 0.7, window: "1h" };
  const r = validateRule({ ...base, score: "user.thumbs:v2", filter: { model: "gpt-4o", caller: "chat" } });
  assert.ok(r.ok);
  assert.equal(r.rule.score, "user.thumbs:v2");
  // the canonical form validates again unchanged (it is what gets persisted)
  assert.deepEqual(validateRule(JSON.parse(JSON.stringify(r.rule))), r);
  assert.ok(validateRule({ ...base, metric: "score_p10", score: "helpfulness" }).ok);
  const plain = validateRule({ ...base, metric: "quality_avg" });
  assert.ok(plain.ok);
  assert.equal("score" in plain.rule, false);

  const problems = (input: Record<string, unknown>) => {
    const c = validateRule(input);
    assert.equal(c.ok, false);
    return c.ok ? "" : describeErrors(c.errors);
  };
  assert.equal(problems(base), "score: is required for score_avg and score_p10: the score name");
  assert.equal(
    problems({ ...base, score: "has space" }),
    "score: must be 1-128 characters of letters, digits, _ . : -",
  );
  assert.equal(
    problems({ ...base, score: "x".repeat(129) }),
    "score: must be 1-128 characters of letters, digits, _ . : -",
  );
  assert.equal(problems({ ...base, score: 5 }), "score: must be 1-128 characters of letters, digits, _ . : -");
  assert.equal(
    problems({ ...base, metric: "latency_p95", score: "helpfulness" }),
    "score: only score_avg and score_p10 take a score name",
  );
  assert.equal(
    problems({ ...base, score: "helpfulness", filter: { provider: "openai", "attr.workflow": "chat" } }),
    "filter.provider: a score rule filters on model, caller, user_id (of the scored span); " +
      "filter.attr.workflow: a score rule filters on model, caller, user_id (of the scored span)",
  );
  assert.match(
    problems({ ...base, metric: "score_max" }),
    /^metric: must be a scalar metric: .*, score_avg, score_p10$/,
  );
});

test("score rule errors in tokentrace.yml carry file:line:col like every rule error", () => {
  const text = `alerts:
  rules:
    - name: thumbs-down
      metric: score_avg
      op: lt
      threshold: 0.5
      window: 1h
      score: "bad name"
    - name: no-score
      metric: score_p10
      op: lt
      threshold: 0.2
      window: 1h
      filter: { status: error }
`;
  assert.deepEqual(configProblems(text), [
    "tokentrace.yml:8:14 alerts.rules[0].score: must be 1-128 characters of letters, digits, _ . : -",
    "tokentrace.yml:9:7 alerts.rules[1].score: is required for score_avg and score_p10: the score name",
    "tokentrace.yml:14:25 alerts.rules[1].filter.status: a score rule filters on model, caller, user_id (of the scored span)",
  ]);
});

test("group_by, budget and baseline errors in tokentrace.yml carry file:line:col", () => {
  const text = `alerts:
  rules:
    - name: per-user
      metric: total_cost
      op: gt
      threshold: 5
      window: 1h
      group_by: [user_id, model]
    - name: monthly
      metric: total_cost
      budget:
        period: month
        amount: 500
        timezone: Europe/Berln
    - name: vs-last-week
      metric: total_cost
      op: increase_pct
      threshold: 50
      window: 1h
      baseline: { offset: 30m }
`;
  assert.deepEqual(configProblems(text), [
    "tokentrace.yml:8:17 alerts.rules[0].group_by: one key only (a rule groups by one dimension)",
    'tokentrace.yml:14:19 alerts.rules[1].budget.timezone: must be an IANA time zone such as "Europe/Berlin" or "UTC"',
    "tokentrace.yml:20:27 alerts.rules[2].baseline.offset: must be at least the window (1h), or the two overlap",
  ]);
});

/** The problems a tokentrace.yml text is refused with, as "file:line:col path: message". */
function configProblems(text: string): string[] {
  try {
    parseConfig(text, { file: "tokentrace.yml", env: {}, flags: {}, validateRule });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.where} ${p.path}: ${p.message}`);
  }
  return assert.fail("the config should be refused");
}
