// The web dashboard in a real browser (Debian's headless Chromium through playwright-core),
// against a server whose store holds the demo's week of traffic plus one known trace.
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { RunningServer } from "../../src/server/index.js";
import type { Span } from "../../src/span/types.js";
import {
  horizontalOverflow,
  launchBrowser,
  openPage,
  SKIP_BROWSER,
  screenshot,
  settled,
  show,
} from "./helpers/browser.js";
import { startDemoServer } from "./helpers/demo-server.js";
import { REPO_ROOT } from "./helpers/server.js";

// Whole minutes keep the server's window arithmetic and the expectations below in step.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const NEEDLE = "needle-e2e-42";

function span(over: Partial<Span>): Span {
  return {
    trace_id: "5b8aa5a2-d2c4-4f1a-9c3e-0e5d7c1b2a90",
    span_id: "",
    parent_span_id: null,
    name: "",
    model: null,
    provider: null,
    prompt_tokens: 0,
    comp_tokens: 0,
    total_tokens: 0,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    latency_ms: 0,
    ttft_ms: null,
    status: "ok",
    caller: "e2e-caller",
    started_at: 0,
    ended_at: 0,
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: { request_id: NEEDLE },
    ...over,
  };
}

const T0 = NOW - 30 * 60_000;
const NEEDLE_SPANS = [
  span({
    span_id: "00000000-0000-4000-8000-000000000001",
    name: "answer-question",
    latency_ms: 2000,
    started_at: T0,
    ended_at: T0 + 2000,
  }),
  span({
    span_id: "00000000-0000-4000-8000-000000000002",
    parent_span_id: "00000000-0000-4000-8000-000000000001",
    name: "draft",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 512,
    comp_tokens: 128,
    total_tokens: 640,
    cost_usd: 0.00448,
    latency_ms: 1240,
    started_at: T0 + 10,
    ended_at: T0 + 1250,
    eval_score: 0.87,
    attributes: { request_id: NEEDLE, "eval.score": 0.87, workflow: "e2e" },
  }),
  span({
    span_id: "00000000-0000-4000-8000-000000000003",
    parent_span_id: "00000000-0000-4000-8000-000000000001",
    name: "check",
    model: "claude-haiku-4-5",
    provider: "anthropic",
    prompt_tokens: 300,
    total_tokens: 300,
    cost_usd: 0.0003,
    latency_ms: 600,
    status: "error",
    started_at: T0 + 1300,
    ended_at: T0 + 1900,
    attributes: { request_id: NEEDLE, "error.type": "overloaded_error" },
  }),
];

let server: RunningServer;
let browser: Browser;
const api = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as Record<string, unknown>;
};
const int = (n: number) => n.toLocaleString("en-US");
const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();

describe("dashboard in a browser", { skip: SKIP_BROWSER }, () => {
  before(async () => {
    server = await startDemoServer(NOW, 5, NEEDLE_SPANS);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the overview shows totals and charts from the store", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/`);
    assert.match(page.url(), /#\/overview\?window=24h&groupby=model/);
    for (const id of ["cost", "calls", "latency", "errors", "quality"]) {
      assert.equal(await page.locator(`#chart-${id} .chart-body`).getAttribute("data-state"), "ready", id);
      assert.equal(await page.locator(`#chart-${id} canvas`).count(), 1, id);
    }
    const m = await api("/metrics?window=24h");
    const cost = (m.cost as { total_usd: number }).total_usd;
    assert.equal(await page.locator("[data-tile=calls] .value").textContent(), int(m.span_count as number));
    assert.equal(await page.locator("[data-tile=cost] .value").textContent(), `$${cost.toFixed(2)}`);
    const legend = await texts(page, "#chart-cost .u-legend .u-series:not(:first-child) .u-label");
    assert.ok(legend.includes("gpt-4o") && legend.includes("claude-sonnet-4-5"), legend.join());
    // The per-model table adds up to the totals: both cover exactly the window.
    const calls = (await texts(page, "#breakdown tbody td:nth-child(4)")).map((s) => Number(s.replaceAll(",", "")));
    assert.equal(
      calls.reduce((a, b) => a + b, 0),
      m.span_count,
    );
    assert.equal(await page.locator("#breakdown tbody tr").first().getAttribute("data-group"), "claude-sonnet-4-5");
    await screenshot(page, "overview-24h-by-model");
    if (process.env.TOKENTRACE_DOCS_SCREENSHOT)
      copyFileSync(
        await screenshot(page, "overview-viewport", false),
        join(REPO_ROOT, "docs", "screenshot-overview.png"),
      );
    assert.deepEqual(errors, []);
  });

  test("switching the window and the split changes what is shown", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=model`);
    const day = await page.locator("[data-tile=calls] .value").textContent();

    await page.click("[data-window='7d']");
    await settled(page);
    const week = await api("/metrics?window=7d");
    assert.equal(await page.locator("[data-tile=calls] .value").textContent(), int(week.span_count as number));
    assert.notEqual(day, int(week.span_count as number));
    assert.match(page.url(), /window=7d/);

    await page.selectOption("#groupby", "caller");
    await settled(page);
    let legend = await texts(page, "#chart-cost .u-legend .u-series:not(:first-child) .u-label");
    assert.ok(legend.includes("chat-api") && legend.includes("support-bot"), legend.join());
    assert.ok(!legend.includes("gpt-4o"));
    assert.match((await page.locator("#breakdown h3").textContent()) ?? "", /by caller/);

    await page.selectOption("#groupby", "attr");
    await page.fill("#groupby-attr", "tenant");
    await page.press("#groupby-attr", "Enter");
    await settled(page);
    legend = await texts(page, "#chart-calls .u-legend .u-series:not(:first-child) .u-label");
    assert.ok(legend.includes("acme") && legend.includes("globex"), legend.join());
    assert.match(page.url(), /groupby=tenant/);
    await screenshot(page, "overview-7d-by-tenant");

    // A group in the table leads to its traces, and Back returns to the same overview.
    await page.click("#breakdown td.group a >> text=acme");
    await show(page, "traces");
    assert.match(page.url(), /#\/traces\?attr\.tenant=acme/);
    assert.equal(await page.inputValue("#trace-search [name=attrs]"), "attr.tenant=acme");
    assert.equal(await page.locator("#trace-results tbody tr").count(), 50);
    await page.goBack();
    await show(page, "overview");
    assert.match(page.url(), /window=7d&groupby=tenant/);

    await page.selectOption("#groupby", "none");
    await settled(page);
    assert.deepEqual(await texts(page, "#chart-latency .u-legend .u-series:not(:first-child) .u-label"), [
      "p50",
      "p95",
      "p99",
    ]);
    assert.equal(await page.locator("#breakdown").isHidden(), true);
    assert.deepEqual(errors, []);
  });

  test("a trace found by attribute opens as a span tree with every field", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "traces", `${server.url}/#/traces`);
    await page.fill("#trace-search [name=attrs]", `attr.request_id=${NEEDLE}`);
    await page.click("#trace-search button[type=submit]");
    await settled(page);
    const rows = page.locator("#trace-results tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match(
      (await rows.first().textContent()) ?? "",
      /answer-question.*error.*gpt-4o, claude-haiku-4-5.*e2e-caller/,
    );
    assert.match(page.url(), /attr\.request_id=needle-e2e-42/);

    await rows.first().locator("a").click();
    await show(page, "trace");
    assert.deepEqual(await texts(page, "#waterfall .span-row .span-title"), ["answer-question", "draft", "check"]);
    assert.match((await page.locator(".trace-head").textContent()) ?? "", /3.*940.*\$0\.00478/);
    await page.locator("#waterfall .span-row").nth(1).click();
    const field = (k: string) => page.locator(`#span-fields [data-key='${k}'] td`).textContent();
    assert.equal(await field("model"), "gpt-4o");
    assert.equal(await field("cost_usd"), "0.00448");
    assert.equal(await field("parent_span_id"), "00000000-0000-4000-8000-000000000001");
    assert.equal(await field("started_at"), new Date(T0 + 10).toISOString());
    assert.equal(await page.locator("#span-attributes [data-key='request_id'] td").textContent(), NEEDLE);
    assert.equal(await page.locator("#span-attributes [data-key='eval.score'] td").textContent(), "0.87");
    await screenshot(page, "trace-waterfall");
    assert.deepEqual(errors, []);
  });

  test("alerts: silencing updates the state, a rule can be created and deleted", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "alerts", `${server.url}/#/alerts`);
    const card = page.locator("[data-rule='error-rate']");
    assert.equal(await card.getAttribute("data-silenced"), "false");
    await card.locator("select").selectOption("2h");
    await card.locator("button.silence").click();
    await settled(page);
    const silenced = page.locator("[data-rule='error-rate']");
    assert.equal(await silenced.getAttribute("data-silenced"), "true");
    assert.equal(await silenced.locator(".badge.silenced").count(), 1);
    const rules = (await (await fetch(`${server.url}/alerts`)).json()) as Record<string, unknown>[];
    const rule = rules.find((r) => r.name === "error-rate");
    assert.equal(rule?.silenced, true);
    assert.equal(rule?.silenced_until, new Date(NOW + 2 * 3_600_000).toISOString());

    await silenced.locator("button.unsilence").click();
    await settled(page);
    assert.equal(await page.locator("[data-rule='error-rate']").getAttribute("data-silenced"), "false");
    const after = (await (await fetch(`${server.url}/alerts`)).json()) as Record<string, unknown>[];
    assert.equal(after.find((r) => r.name === "error-rate")?.silenced, false);

    const form = page.locator("#alert-form");
    await form.locator("[name=name]").fill("e2e-latency");
    await form.locator("[name=metric]").selectOption("latency_p95");
    await form.locator("[name=threshold]").fill("4000");
    await form.locator("[name=window]").fill("soon");
    await form.locator("[name=model]").fill("gpt-4o");
    await form.locator("button[type=submit]").click();
    await settled(page);
    // The server's validation message is shown as it words it, and nothing is created.
    assert.match((await form.locator(".form-message.error").textContent()) ?? "", /window: must be a duration/);
    assert.equal(await page.locator("[data-rule='e2e-latency']").count(), 0);
    await form.locator("[name=window]").fill("30m");
    await form.locator("button[type=submit]").click();
    await settled(page);
    assert.match((await form.locator(".form-message").textContent()) ?? "", /created/);
    assert.equal(await page.locator("[data-rule='e2e-latency']").count(), 1);
    const created = ((await (await fetch(`${server.url}/alerts`)).json()) as Record<string, unknown>[]).find(
      (r) => r.name === "e2e-latency",
    );
    assert.deepEqual(
      [created?.metric, created?.threshold, created?.window, created?.filter],
      ["latency_p95", 4000, "30m", { model: "gpt-4o" }],
    );
    await screenshot(page, "alerts");

    const del = page.locator("[data-rule='e2e-latency'] button.delete");
    await del.click();
    await del.click(); // the first click only arms it
    await settled(page);
    assert.equal(await page.locator("[data-rule='e2e-latency']").count(), 0);
    assert.ok(
      !((await (await fetch(`${server.url}/alerts`)).json()) as { name: string }[]).some(
        (r) => r.name === "e2e-latency",
      ),
    );
    // Chromium logs the refused POST (400) as a console error: that one is expected.
    assert.deepEqual(
      errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
  });

  test("fits a phone screen", async (t) => {
    const { page, errors } = await openPage(t, browser, 390, 844);
    const views = [
      ["overview", "#/overview?window=7d&groupby=model"],
      ["alerts", "#/alerts"],
      ["traces", "#/traces"],
    ] as const;
    for (const [view, path] of views) {
      await show(page, view, `${server.url}/${path}`);
      assert.equal(await horizontalOverflow(page), 0, path);
      await screenshot(page, `phone-${view}`);
    }
    assert.equal(await page.locator("#trace-results tbody tr").count(), 50);
    await page.locator("#trace-results tbody tr a").first().click();
    await show(page, "trace");
    assert.ok((await page.locator("#waterfall .span-row").count()) >= 1);
    assert.equal(await horizontalOverflow(page), 0, "trace view");
    await screenshot(page, "phone-trace");
    assert.deepEqual(errors, []);
  });
});
