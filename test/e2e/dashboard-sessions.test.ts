// Sessions, scores and top users in a real browser: the Sessions page (list, user filter,
// paging), a session as a conversation of traces, scores in the trace view, the overview's
// Top users panel.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/index.js";
import { launchBrowser, openPage, SKIP_BROWSER, screenshot, settled, show } from "./helpers/browser.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const MIN = 60_000;
const config = structuredClone(DEFAULT_CONFIG);
config.http_server.addr = "127.0.0.1:0";
config.storage.driver = "memory";

const trace = (n: number) => `5e55${String(n).padStart(4, "0")}-0000-4000-8000-000000000000`;
const spanId = (n: number) => `a${String(n).padStart(15, "0")}`;

// Session "conv-a" of user u-alice: three turns, the second failed. Session "conv-b" of
// u-bob: one cheaper turn. Then 55 one-turn sessions of u-carol, to page through.
function turn(n: number, session: string, user: string, at: number, extra: Record<string, unknown> = {}) {
  return {
    trace_id: trace(n),
    span_id: spanId(n),
    name: `turn-${n}`,
    model: "gpt-4o",
    prompt_tokens: 1000,
    comp_tokens: 100,
    cost_usd: 0.01,
    latency_ms: 800,
    started_at: at,
    session_id: session,
    user_id: user,
    ...extra,
  };
}

const SPANS = [
  turn(1, "conv-a", "u-alice", NOW - 50 * MIN, { cost_usd: 0.25 }),
  turn(2, "conv-a", "u-alice", NOW - 40 * MIN, { cost_usd: 0.25, status: "error" }),
  turn(3, "conv-a", "u-alice", NOW - 30 * MIN, { cost_usd: 0.25 }),
  // a retrieval step inside the third turn (an embedding call)
  {
    ...turn(4, "conv-a", "u-alice", NOW - 30 * MIN + 100),
    trace_id: trace(3),
    parent_span_id: spanId(3),
    name: "retrieve",
    model: "text-embedding-3-small",
    prompt_tokens: 20,
    comp_tokens: 0,
    cost_usd: 0.0001,
  },
  turn(5, "conv-b", "u-bob", NOW - 20 * MIN, { cost_usd: 0.05 }),
  ...Array.from({ length: 55 }, (_, i) =>
    turn(100 + i, `carol-${i}`, "u-carol", NOW - 120 * MIN + i * 1000, { cost_usd: 0.0004 }),
  ),
];

let server: RunningServer;
let browser: Browser;

async function post(path: string, body: unknown, status: number) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, status, await res.text());
}

describe("sessions, scores and top users in a browser", { skip: SKIP_BROWSER }, () => {
  before(async () => {
    server = await startServer(config, { now: () => NOW });
    await post("/spans", SPANS, 202);
    await post("/scores", { trace_id: trace(1), name: "user.thumbs", value: true, source: "human" }, 201);
    await post("/scores", { trace_id: trace(3), name: "helpfulness", value: 0.25, comment: "missed the point" }, 201);
    await post(
      "/scores",
      { trace_id: trace(3), span_id: spanId(4), name: "relevance", label: "off-topic", source: "llm" },
      201,
    );
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the trace view lists the trace's scores, links its session and user, and a span's score selects it", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "trace", `${server.url}/#/traces/${trace(3)}`);
    const rows = page.locator("#trace-scores tbody tr");
    assert.equal(await rows.count(), 2);
    // two scores given in the same millisecond may come in either order
    const helpful = rows.filter({ hasText: "helpfulness" });
    const relevance = rows.filter({ hasText: "relevance" });
    assert.match((await helpful.textContent()) ?? "", /helpfulness.*0\.25.*api.*the trace.*missed the point/);
    assert.match((await relevance.textContent()) ?? "", /relevance.*off-topic.*llm.*retrieve/);
    assert.equal(await page.locator(".trace-head a[href='#/sessions/conv-a']").count(), 1);
    assert.equal(await page.locator(".trace-head a[href='#/sessions?user_id=u-alice']").count(), 1);
    await relevance.locator("button").click();
    assert.equal(await page.locator("#span-details h3").textContent(), "retrieve");
    assert.match((await page.locator("#span-details .score-pill").textContent()) ?? "", /relevance off-topic/);
    await screenshot(page, "trace-scores");
    assert.deepEqual(errors, []);
  });

  test("Sessions lists the window's sessions, latest activity first, filters by user and pages", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "sessions", `${server.url}/#/sessions?window=24h`);
    const ids = () =>
      page.locator("#session-results tbody tr").evaluateAll((els) => els.map((e) => e.getAttribute("data-session-id")));
    const first = await ids();
    assert.equal(first.length, 50);
    assert.deepEqual(first.slice(0, 3), ["conv-b", "conv-a", "carol-54"]);
    const a = page.locator("#session-results tr[data-session-id='conv-a']");
    assert.match((await a.textContent()) ?? "", /u-alice\s*3\s*4\s*\$0\.75\d*\s*1/);
    await page.getByRole("button", { name: "Older →" }).click();
    await settled(page);
    const second = await ids();
    assert.equal(second.length, 7);
    assert.equal(new Set([...first, ...second]).size, 57);
    await page.fill("#session-user", "u-alice");
    await page.click("#session-filter button[type=submit]");
    await settled(page);
    assert.deepEqual(await ids(), ["conv-a"]);
    assert.match(page.url(), /user_id=u-alice/);
    await screenshot(page, "sessions");
    assert.deepEqual(errors, []);
  });

  test("a session shows its traces as a conversation, oldest first, with cost, latency, status and scores", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "sessions", `${server.url}/#/sessions?window=24h&user_id=u-alice`);
    await page.click("#session-results a[href='#/sessions/conv-a']");
    await page.waitForSelector('#view[data-view="session"]');
    await settled(page);
    const turns = page.locator("#session-traces .turn");
    assert.deepEqual(await turns.evaluateAll((els) => els.map((e) => e.getAttribute("data-trace-id"))), [
      trace(1),
      trace(2),
      trace(3),
    ]);
    assert.deepEqual(await turns.locator(".badge").allTextContents(), ["ok", "error", "ok"]);
    assert.match((await turns.nth(0).textContent()) ?? "", /turn-1.*\$0\.25.*800 ms.*user\.thumbs 👍 true/);
    assert.match((await turns.nth(2).textContent()) ?? "", /helpfulness 0\.25/);
    assert.match((await turns.nth(2).textContent()) ?? "", /relevance off-topic/);
    assert.match((await page.locator(".trace-head .facts").textContent()) ?? "", /u-alice.*Traces3.*Spans4/);
    await screenshot(page, "session");
    await turns.nth(1).locator("a").click();
    await show(page, "trace");
    assert.match(page.url(), new RegExp(`#/traces/${trace(2)}$`));
    assert.deepEqual(errors, []);
  });

  test("an unknown session says so", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "session", `${server.url}/#/sessions/no-such-session`);
    assert.match((await page.locator(".notice.error").textContent()) ?? "", /No session no-such-session/);
    // the 404 is logged by the browser as a failed resource load, nothing else
    assert.deepEqual(
      errors.filter((e) => !/404/.test(e)),
      [],
    );
  });

  test("the overview's Top users panel ranks users by cost and opens their sessions", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/#/overview?window=24h`);
    const users = await page
      .locator("#top-users-table tbody tr")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-user-id")));
    assert.deepEqual(users, ["u-alice", "u-bob", "u-carol"]);
    assert.match(
      (await page.locator("#top-users-table tr[data-user-id='u-carol']").textContent()) ?? "",
      /u-carol\s*\$0\.022/,
    );
    await page.click("#top-users-table a:text('u-bob')");
    await show(page, "sessions");
    assert.deepEqual(
      await page
        .locator("#session-results tbody tr")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-session-id"))),
      ["conv-b"],
    );
    await screenshot(page, "top-users");
    assert.deepEqual(errors, []);
  });
});
