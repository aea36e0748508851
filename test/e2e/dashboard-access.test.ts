// The dashboard behind a bearer token, and when its API goes away.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { seedDemo } from "../../src/demo/index.js";
import { createPricer } from "../../src/pricing/index.js";
import { type RunningServer, startServer } from "../../src/server/index.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import { launchBrowser, openPage, SKIP_BROWSER, screenshot, settled, show } from "./helpers/browser.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const TOKEN = "e2e-secret-token";

const READ_TOKEN = "e2e-read-only-token";

async function serve(authToken: string | null, tokens: Config["auth"]["tokens"] = []): Promise<RunningServer> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.http_server.addr = "127.0.0.1:0";
  config.http_server.auth_token = authToken;
  config.auth.tokens = tokens;
  config.storage.driver = "memory";
  const store = new MemoryStore();
  await seedDemo(store, { now: NOW, days: 1, tracesPerDay: 300, price: createPricer({}) });
  return startServer(config, { store, now: () => NOW });
}

describe("dashboard access", { skip: SKIP_BROWSER }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser?.close());

  test("asks for the bearer token and keeps it for this tab's session only", async (t) => {
    const server = await serve(TOKEN);
    t.after(() => server.close());
    // The page holds no data and loads without a token; the API it calls does not.
    assert.equal((await fetch(`${server.url}/`)).status, 200);
    assert.equal((await fetch(`${server.url}/ui/js/main.js`)).status, 200);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const calls = (
      (await (
        await fetch(`${server.url}/metrics?window=24h`, { headers: { authorization: `Bearer ${TOKEN}` } })
      ).json()) as { span_count: number }
    ).span_count;

    const { page, errors } = await openPage(t, browser);
    await page.goto(`${server.url}/`);
    await page.waitForSelector("#auth[open]");
    assert.equal(await page.locator("#auth-error").isHidden(), true);
    await page.fill("#auth-token", "wrong-token");
    await page.press("#auth-token", "Enter");
    await page.waitForSelector("#auth[open] #auth-error:not([hidden])");
    await screenshot(page, "auth-refused", false);
    await page.fill("#auth-token", TOKEN);
    await page.click("#auth-form button[type=submit]");
    await settled(page);
    assert.equal(await page.locator("[data-tile=calls] .value").textContent(), calls.toLocaleString("en-US"));
    assert.equal(await page.locator("#chart-cost .chart-body").getAttribute("data-state"), "ready");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("tokentrace.token")), TOKEN);
    assert.equal(await page.evaluate(() => localStorage.length), 0);

    // A reload in the same tab keeps the token; a new session asks again.
    await page.reload();
    await settled(page);
    assert.equal(await page.locator("#auth").getAttribute("open"), null);
    const { page: other } = await openPage(t, browser);
    await other.goto(`${server.url}/#/alerts`);
    await other.waitForSelector("#auth[open]");
    // Chromium logs every 401 response as a console error; those are the expected ones.
    assert.deepEqual(
      errors.filter((e) => !/status of 401/.test(e)),
      [],
    );
  });

  test("a read token shows every view, with alert editing disabled (scoped tokens)", async (t) => {
    const server = await serve(TOKEN, [{ token: READ_TOKEN, scope: "read" }]);
    t.after(() => server.close());
    const admin = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const rule = { name: "cost-watch", metric: "total_cost", op: "gt", threshold: 1000, window: "1h" };
    const created = await fetch(`${server.url}/alerts`, { method: "POST", headers: admin, body: JSON.stringify(rule) });
    assert.equal(created.status, 201);

    const { page, errors } = await openPage(t, browser);
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector("#auth[open]");
    await page.fill("#auth-token", READ_TOKEN);
    await page.press("#auth-token", "Enter");
    await show(page, "overview");
    assert.equal(await page.locator("#chart-cost .chart-body").getAttribute("data-state"), "ready");

    await page.click("nav a[data-view=alerts]");
    await show(page, "alerts");
    assert.equal(await page.locator("#alerts-readonly").isVisible(), true);
    const card = page.locator("[data-rule='cost-watch']");
    for (const control of ["button.silence", "button.delete", "select"]) {
      assert.equal(await card.locator(control).isDisabled(), true, control);
    }
    assert.equal(await page.locator("#alert-form button[type=submit]").isDisabled(), true);
    assert.equal(await page.locator("#alert-form input[name=name]").isDisabled(), true);
    await screenshot(page, "alerts-read-only", false);
    // what the page would have sent is refused by the server anyway
    const refused = await fetch(`${server.url}/alerts/cost-watch`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    assert.equal(refused.status, 403);
    assert.deepEqual(
      errors.filter((e) => !/status of 401/.test(e)),
      [],
    );

    // the admin token in the same place edits as before
    const { page: adminPage } = await openPage(t, browser);
    await adminPage.goto(`${server.url}/#/alerts`);
    await adminPage.waitForSelector("#auth[open]");
    await adminPage.fill("#auth-token", TOKEN);
    await adminPage.press("#auth-token", "Enter");
    await show(adminPage, "alerts");
    assert.equal(await adminPage.locator("#alerts-readonly").isHidden(), true);
    assert.equal(await adminPage.locator("[data-rule='cost-watch'] button.silence").isDisabled(), false);
    assert.equal(await adminPage.locator("#alert-form button[type=submit]").isDisabled(), false);
  });

  test("says clearly when the API cannot be reached", async (t) => {
    const server = await serve(null);
    let closed = false;
    t.after(() => (closed ? undefined : server.close()));
    const { page } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/#/overview`);
    assert.equal(await page.locator("#banner").isHidden(), true);

    await server.close();
    closed = true;
    await page.click("nav a[data-view=alerts]");
    await show(page, "alerts");
    const banner = page.locator("#banner");
    assert.equal(await banner.isVisible(), true);
    assert.match(
      (await banner.textContent()) ?? "",
      /Cannot reach the tokentrace API at http:\/\/127\.0\.0\.1:\d+ \(GET \/alerts\)/,
    );
    assert.match((await page.locator("#rules .notice.error").textContent()) ?? "", /cannot be reached/);
    await screenshot(page, "api-unreachable", false);
  });
});
