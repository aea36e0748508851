// A group-by rule on the Alerts page, in a real browser: its firing groups, and silencing
// one group from the page.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/index.js";
import { launchBrowser, openPage, SKIP_BROWSER, screenshot, settled, show } from "./helpers/browser.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const config = structuredClone(DEFAULT_CONFIG);
config.http_server.addr = "127.0.0.1:0";
config.storage.driver = "memory";
config.alerts.eval_interval_ms = 100;

let server: RunningServer;
let browser: Browser;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text === "" ? null : JSON.parse(text);
}

/** Waits until GET /alerts shows the rule with `n` firing groups. */
async function firingGroups(n: number) {
  for (let i = 0; i < 100; i++) {
    const [rule] = (await call("GET", "/alerts")) as { groups?: { firing: unknown[] } }[];
    if (rule?.groups?.firing.length === n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the rule never had ${n} firing groups`);
}

describe("group-by alert rules in a browser", { skip: SKIP_BROWSER }, () => {
  before(async () => {
    server = await startServer(config, { now: () => NOW });
    const call1 = (caller: string, cost: number) => ({
      model: "gpt-4o",
      prompt_tokens: 10,
      cost_usd: cost,
      caller,
      started_at: NOW - 60_000,
    });
    await call("POST", "/spans", [call1("search", 12), call1("chat", 15), call1("batch", 1)]);
    await call("POST", "/alerts", {
      name: "caller-spend",
      metric: "total_cost",
      op: "gt",
      threshold: 10,
      window: "1h",
      group_by: ["caller"],
    });
    await firingGroups(2);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the card lists the firing groups; one group can be silenced and unsilenced", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "alerts", `${server.url}/#/alerts`);
    const card = page.locator("[data-rule='caller-spend']");
    assert.match((await card.locator(".condition").textContent()) ?? "", /over 1h, per caller$/);
    assert.match((await card.locator(".groups h4").textContent()) ?? "", /^Groups by caller: 2 firing$/);
    const groups = () =>
      card.locator(".group-list li").evaluateAll((els) => els.map((e) => e.getAttribute("data-group")));
    assert.deepEqual((await groups()).sort(), ["caller=chat", "caller=search"]);
    await card.locator("select").selectOption("2h");
    await card.locator("li[data-group='caller=search'] button.silence-group").click();
    await settled(page);
    const searchRow = page.locator("[data-rule='caller-spend'] li[data-group='caller=search']");
    assert.equal(await searchRow.locator(".badge.silenced").count(), 1);
    const [rule] = (await call("GET", "/alerts")) as { silenced: boolean; groups: { silenced: unknown[] } }[];
    assert.equal(rule.silenced, false);
    assert.deepEqual(rule.groups.silenced, [
      { group: { caller: "search" }, silenced_until: new Date(NOW + 2 * 3_600_000).toISOString() },
    ]);
    await screenshot(page, "alert-groups");
    await searchRow.locator("button.unsilence-group").click();
    await settled(page);
    const after = (await call("GET", "/alerts")) as { groups: { silenced: unknown[] } }[];
    assert.deepEqual(after[0].groups.silenced, []);
    assert.equal(await page.locator("[data-rule='caller-spend'] .badge.silenced").count(), 0);
    assert.deepEqual(errors, []);
  });
});
