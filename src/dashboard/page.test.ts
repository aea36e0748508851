// The page's pure helpers, run in Node: they are plain browser ES modules, loaded by URL so
// TypeScript does not need declarations for them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

type Fn = (...args: never[]) => unknown;
const load = async (file: string) =>
  (await import(new URL(`./static/js/${file}`, import.meta.url).href)) as Record<string, Fn>;
const format = await load("format.js");
const traces = await load("traces.js");
const traceView = await load("trace-view.js");
const alertForm = await load("alert-form.js");

const call = (fn: Fn, ...args: unknown[]) => (fn as (...a: unknown[]) => unknown)(...args);

describe("formatting", () => {
  test("money keeps the digits that matter at each scale", () => {
    const usd = (v: unknown) => call(format.usd, v);
    assert.equal(usd(1423.5), "$1,424");
    assert.equal(usd(8.744), "$8.74");
    assert.equal(usd(0.33), "$0.33");
    assert.equal(usd(0.0421), "$0.042");
    assert.equal(usd(0.00448), "$0.00448");
    assert.equal(usd(6.02e-7), "$0.000000602");
    assert.equal(usd(0), "$0.00");
    assert.equal(usd(null), "–");
  });

  test("durations, rates and scores", () => {
    assert.equal(call(format.ms, 820), "820 ms");
    assert.equal(call(format.ms, 2140), "2.14 s");
    assert.equal(call(format.ms, 125_000), "2m 5s");
    assert.equal(call(format.pct, 0.013), "1.30%");
    assert.equal(call(format.pct, 0.25), "25.0%");
    assert.equal(call(format.score, 0.8841), "0.884");
    assert.equal(call(format.compact, 196_000), "196k");
    assert.equal(call(format.metricValue, "latency_p95", 4000), "4 s");
    assert.equal(call(format.metricValue, "error_rate", 0.05), "5.00%");
    assert.equal(call(format.toMs, "2026-03-15T14:23:01.441Z"), Date.UTC(2026, 2, 15, 14, 23, 1, 441));
  });
});

describe("trace search", () => {
  test("attribute filters accept attr.KEY=value and KEY=value and report the rest", () => {
    assert.deepEqual(call(traces.parseAttrFilter, "attr.workflow=rag  user=42 broken =x"), {
      attrs: { "attr.workflow": "rag", "attr.user": "42" },
      bad: ["broken", "=x"],
    });
  });

  test("a trace's status is its worst span's", () => {
    const t = (...st: string[]) => ({ spans: st.map((status) => ({ status })) });
    assert.equal(call(traces.traceStatus, t("ok", "timeout")), "timeout");
    assert.equal(call(traces.traceStatus, t("timeout", "error", "ok")), "error");
    assert.equal(call(traces.traceStatus, t("ok")), "ok");
  });

  test("spans form a depth-first tree by start time; a lost parent makes a root", () => {
    const s = (span_id: string, parent_span_id: string | null, started_at: number) => ({
      span_id,
      parent_span_id,
      started_at,
    });
    const rows = call(traceView.spanTree, [
      s("c2", "r", 30),
      s("r", null, 0),
      s("c1", "r", 10),
      s("g", "c1", 12),
      s("orphan", "gone", 5),
    ]) as {
      span: { span_id: string };
      depth: number;
    }[];
    assert.deepEqual(
      rows.map((x) => `${x.span.span_id}:${x.depth}`),
      ["r:0", "c1:1", "g:2", "c2:1", "orphan:0"],
    );
  });
});

describe("alert form", () => {
  const values = {
    name: " cost-spike ",
    metric: "total_cost",
    op: "gt",
    threshold: "10.5",
    window: "1h",
    cooldown: "",
    min_spans: "",
    model: "gpt-4o",
    caller: "",
    provider: "",
    status: "",
    attrs: "attr.workflow=rag",
    delivery: "log",
    target: "",
  };

  test("builds the POST /alerts body, leaving out empty optional fields", () => {
    assert.deepEqual(call(alertForm.ruleBody, values), {
      name: "cost-spike",
      metric: "total_cost",
      op: "gt",
      threshold: 10.5,
      window: "1h",
      filter: { model: "gpt-4o", "attr.workflow": "rag" },
      delivery: { type: "log" },
    });
  });

  test("webhook deliveries carry their URL, PagerDuty its routing key", () => {
    const http = call(alertForm.ruleBody, {
      ...values,
      delivery: "slack",
      target: "https://hooks.slack.test/x",
      min_spans: "5",
    }) as Record<string, unknown>;
    assert.deepEqual(http.delivery, { type: "slack", url: "https://hooks.slack.test/x" });
    assert.equal(http.min_spans, 5);
    const pd = call(alertForm.ruleBody, { ...values, delivery: "pagerduty", target: "R0UT1NG" }) as Record<
      string,
      unknown
    >;
    assert.deepEqual(pd.delivery, { type: "pagerduty", routing_key: "R0UT1NG" });
  });

  test("one alert per user: group_by and a user filter", () => {
    const body = call(alertForm.ruleBody, { ...values, group_by: "user_id", user_id: " u-1042 " }) as Record<
      string,
      unknown
    >;
    assert.deepEqual(body.group_by, ["user_id"]);
    assert.deepEqual(body.filter, { model: "gpt-4o", user_id: "u-1042", "attr.workflow": "rag" });
    assert.equal("group_by" in (call(alertForm.ruleBody, { ...values, group_by: "" }) as object), false);
  });
});
