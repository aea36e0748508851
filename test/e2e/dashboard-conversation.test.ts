// The trace view shows a span's prompts and completions as a conversation, in a real browser.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/index.js";
import { launchBrowser, openPage, SKIP_BROWSER, screenshot, settled, show } from "./helpers/browser.js";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const TRACE = "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const config = structuredClone(DEFAULT_CONFIG);
config.http_server.addr = "127.0.0.1:0";
config.storage.driver = "memory";
config.content = { ...config.content, max_bytes: 3000 };

let server: RunningServer;
let browser: Browser;

describe("conversation view in a browser", { skip: SKIP_BROWSER }, () => {
  before(async () => {
    server = await startServer(config, { now: () => NOW });
    const res = await fetch(`${server.url}/spans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        trace_id: TRACE,
        name: "support-answer",
        model: "gpt-4o",
        prompt_tokens: 100,
        comp_tokens: 20,
        started_at: NOW - 60_000,
        system: "You are a support bot.",
        input: [
          { role: "user", parts: [{ type: "text", content: `<b>My order</b> is late ${"x".repeat(4000)}` }] },
          { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "lookup_order", arguments: { id: 42 } }] },
          { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: { status: "shipped" } }] },
        ],
        output: [{ role: "assistant", parts: [{ type: "text", content: "It shipped today." }], finish_reason: "stop" }],
      }),
    });
    assert.equal(res.status, 202, await res.text());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("roles, tool calls, tool results, finish reason and the truncation marker", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "trace", `${server.url}/#/traces/${TRACE}`);
    await settled(page);
    const roles = await page
      .locator("#conversation .msg")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-role")));
    assert.deepEqual(roles, ["system", "user", "assistant", "tool", "assistant"]);
    const user = page.locator("#conversation .msg").nth(1);
    // markup in a message is text, never HTML
    assert.match((await user.locator(".msg-text").textContent()) ?? "", /^<b>My order<\/b> is late x+/);
    assert.equal(await user.locator("b").count(), 0);
    assert.match((await user.locator(".truncated").textContent()) ?? "", /…\[truncated \d+ bytes\]/);
    assert.match((await page.locator("#conversation .tool-call").textContent()) ?? "", /lookup_order[\s\S]*"id": 42/);
    assert.match((await page.locator("#conversation .tool-result").textContent()) ?? "", /shipped/);
    assert.match(
      (await page.locator("#conversation .msg.output").textContent()) ?? "",
      /finish: stop[\s\S]*It shipped today\./,
    );
    assert.match((await page.locator("#conversation .conv-notes").textContent()) ?? "", /bytes truncated/);
    assert.equal(await page.locator("#span-fields [data-key='content']").count(), 0);
    await screenshot(page, "trace-conversation");
    assert.deepEqual(errors, []);
  });
});
