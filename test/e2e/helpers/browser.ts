// Drives Debian's headless Chromium with playwright-core for the dashboard tests
// (`npx playwright install` cannot download browsers here; scripts/install-chromium.sh
// installs the Debian package). Screenshots go to test-output/dashboard/.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "./server.js";

const CANDIDATES = [
  "/usr/bin/chromium-headless-shell",
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/lib/chromium/headless_shell",
  "/usr/bin/chromium",
  "/usr/lib/chromium/chromium",
];

/** $TOKENTRACE_CHROMIUM, else the first Debian Chromium binary found, else null. */
export function findChromium(): string | null {
  const fromEnv = process.env.TOKENTRACE_CHROMIUM;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Why the browser tests skip, or false when they can run. */
export const SKIP_BROWSER: string | false =
  findChromium() === null ? "no Chromium found: run scripts/install-chromium.sh" : false;

export const SHOT_DIR = join(REPO_ROOT, "test-output", "dashboard");

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium() ?? undefined,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** A fresh browser context (own sessionStorage) and page, closed when the test ends. */
export async function openPage(t: TestContext, browser: Browser, width = 1440, height = 900): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  t.after(() => context.close());
  return { page, errors };
}

/** Waits until the page has no API call in flight (main.js counts them in body[data-busy]). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.busy === "0");
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SHOT_DIR, { recursive: true });
  const path = join(SHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The document is no wider than the viewport: nothing forces a sideways scroll. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);
}

/**
 * Opens a dashboard address and waits until its view has rendered and its data is in.
 * Hash changes within the page fire `hashchange` a moment after the URL changes, so
 * waiting for the view's name first keeps `settled` from answering too early.
 */
export async function show(
  page: Page,
  view: "overview" | "traces" | "trace" | "sessions" | "session" | "alerts",
  url?: string,
): Promise<void> {
  if (url !== undefined) await page.goto(url);
  await page.waitForSelector(`#view[data-view="${view}"]`, { state: "attached" });
  await settled(page);
}
