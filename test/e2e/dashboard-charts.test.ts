// The overview's charts and table in a real browser: nothing spills out of its panel, the
// bucket still filling never reads as a drop to zero, latency ticks are round and labelled,
// each group keeps one distinct colour everywhere, unpriced calls say "unpriced", and thin
// error rates are marked, with their counts on hover.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Browser, Page, Route } from "playwright-core";
import type { RunningServer } from "../../src/server/index.js";
import type { Span } from "../../src/span/types.js";
import { horizontalOverflow, launchBrowser, openPage, SKIP_BROWSER, screenshot, show } from "./helpers/browser.js";
import { startDemoServer } from "./helpers/demo-server.js";

const { PALETTE } = (await import(new URL("../../src/dashboard/static/js/colors.js", import.meta.url).href)) as {
  PALETTE: string[];
};
// A Wednesday, mid-afternoon UTC (busy), one minute into a new 30-minute and 2-hour bucket:
// the last bucket of every chart holds a minute of traffic against a full bucket before it.
const NOW = Date.UTC(2026, 2, 18, 14, 1);
const UNPRICED = "acme-local-7b";
const THIN = "tiny-model";

function llmSpan(model: string, at: number, status: Span["status"]): Span {
  return {
    trace_id: randomUUID(),
    span_id: randomUUID(),
    parent_span_id: null,
    name: "chat",
    model,
    provider: "acme",
    prompt_tokens: 400,
    comp_tokens: 100,
    total_tokens: 500,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    latency_ms: 900,
    ttft_ms: null,
    status,
    caller: "e2e-charts",
    started_at: at,
    ended_at: at + 900,
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: {},
  };
}

/** What lineChart leaves on a chart's box for tests (box.drawn). */
type Handle = {
  chart: {
    data: (number | null)[][];
    series: { label: string }[];
    root: HTMLElement;
    setCursor(c: { left: number; top: number }): void;
    valToPos(v: number, scale: string): number;
  };
  raw: (number | null)[][];
  weak: boolean[][];
  yTicks(): [number, string][];
};
type WithHandle = HTMLElement & { drawn: Handle };
type Drawn = { x: number[]; drawn: (number | null)[][]; raw: (number | null)[][]; weak: boolean[][]; labels: string[] };
const CHART_IDS = ["cost", "calls", "latency", "errors", "quality"];

let server: RunningServer;
let browser: Browser;
const api = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as Record<string, unknown>;
};

/** What a chart drew: uPlot's data (stacked sums for cost and calls), the raw values and the dashed points. */
function drawnOf(page: Page, id: string): Promise<Drawn> {
  return page.evaluate((id) => {
    const d = (document.querySelector(`#chart-${id} .chart-body`) as WithHandle).drawn;
    const [x, ...drawn] = d.chart.data;
    return {
      x: x as number[],
      drawn,
      raw: d.raw.slice(1),
      weak: d.weak,
      labels: d.chart.series.slice(1).map((s) => s.label),
    };
  }, id);
}

/** Group → colour of its legend marker in one chart, or of its swatch in the table. */
function colorsOf(page: Page, id: string): Promise<Record<string, string>> {
  return page.evaluate((id) => {
    const out: Record<string, string> = {};
    if (id === "table")
      for (const tr of document.querySelectorAll<HTMLElement>("#breakdown tbody tr"))
        out[tr.dataset.group ?? ""] = getComputedStyle(tr.querySelector(".swatch") as Element).backgroundColor;
    else
      for (const row of document.querySelectorAll(`#chart-${id} .u-legend .u-series:not(:first-child)`))
        out[row.querySelector(".u-label")?.textContent ?? ""] = getComputedStyle(
          row.querySelector(".u-marker") as Element,
        ).borderTopColor;
    return out;
  }, id);
}

/** Elements in panels wider than their box: panels themselves, and anything that clips or scrolls. */
function spills(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const panel of document.querySelectorAll<HTMLElement>("#view .panel, #view .tile")) {
      for (const el of [panel, ...panel.querySelectorAll<HTMLElement>("*")]) {
        const clips = el === panel || getComputedStyle(el).overflowX !== "visible";
        if (clips && el.scrollWidth > el.clientWidth + 1)
          out.push(
            `${panel.id || panel.className} ${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}`,
          );
      }
    }
    return out;
  });
}

/**
 * Rewrites the server's answers so that unpriced costs come in one of the two shapes a
 * server may send: `null` (as the API documents it), or `0` with every call counted in
 * `unpriced_span_count` (as earlier servers did).
 */
function unpricedAs(value: 0 | null) {
  return async (route: Route): Promise<void> => {
    const res = await route.fetch();
    const body = (await res.json()) as {
      by_model?: Record<string, { span_count: number; cost: Record<string, number | null> }>;
      series?: { group: string; points: [number, number | null][] }[];
    };
    for (const m of Object.values(body.by_model ?? {}))
      if (m.cost.unpriced_span_count === m.span_count) Object.assign(m.cost, { total_usd: value, per_call_usd: null });
    for (const s of body.series ?? [])
      if (s.group === UNPRICED || s.group === THIN) s.points = s.points.map(([t]) => [t, value]);
    await route.fulfill({ response: res, json: body });
  };
}

const hexToRgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

/** Hovers bucket `i` of a chart and returns the legend's text per series. */
async function hover(page: Page, id: string, i: number): Promise<Record<string, string>> {
  return page.evaluate(
    ([id, i]) => {
      const u = (document.querySelector(`#chart-${id} .chart-body`) as WithHandle).drawn.chart;
      u.setCursor({ left: u.valToPos(u.data[0][i] ?? 0, "x"), top: 10 });
      const out: Record<string, string> = {};
      for (const row of u.root.querySelectorAll(".u-legend .u-series:not(:first-child)"))
        out[row.querySelector(".u-label")?.textContent ?? ""] = row.querySelector(".u-value")?.textContent ?? "";
      return out;
    },
    [id, i] as const,
  );
}

describe("dashboard charts in a browser", { skip: SKIP_BROWSER }, () => {
  before(async () => {
    const extra: Span[] = [];
    for (let i = 0; i < 40; i++) extra.push(llmSpan(UNPRICED, NOW - 20 * 3_600_000 + i * 1_800_000, "ok"));
    for (let i = 0; i < 4; i++) extra.push(llmSpan(THIN, NOW - 3 * 3_600_000 + i * 600_000, i ? "error" : "ok"));
    server = await startDemoServer(NOW, 7, extra);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("at 1440 px nothing spills out of its panel and every table column shows", async (t) => {
    const { page, errors } = await openPage(t, browser);
    for (const path of ["#/overview", "#/overview?window=7d&groupby=caller", "#/overview?groupby=none"]) {
      await show(page, "overview", `${server.url}/${path}`);
      assert.deepEqual(await spills(page), [], path);
      assert.equal(await horizontalOverflow(page), 0, path);
    }
    await show(page, "overview", `${server.url}/#/overview`);
    const wrap = await page.locator("#breakdown .table-wrap").boundingBox();
    for (const col of ["Cost", "Errors", "Quality"]) {
      const th = page.locator("#breakdown th", { hasText: col });
      assert.ok(await th.isVisible(), col);
      const box = await th.boundingBox();
      assert.ok(box && wrap && box.x + box.width <= wrap.x + wrap.width, `${col} column is cut off`);
    }
    await screenshot(page, "charts-1440");
    assert.deepEqual(errors, []);
  });

  test("at 390 px only a table scrolls sideways, inside its own container", async (t) => {
    const { page, errors } = await openPage(t, browser, 390, 844);
    for (const [view, path] of [
      ["overview", "#/overview"],
      ["overview", "#/overview?groupby=none"],
      ["traces", "#/traces"],
      ["alerts", "#/alerts"],
    ] as const) {
      await show(page, view, `${server.url}/${path}`);
      assert.equal(await horizontalOverflow(page), 0, path);
      const spilled = (await spills(page)).filter((s) => !/ div\.table-wrap /.test(s));
      assert.deepEqual(spilled, [], path);
    }
    await show(page, "overview", `${server.url}/#/overview`);
    // The table is wider than the phone: it scrolls in its wrapper, which the check above allowed.
    assert.ok(await page.$eval("#breakdown .table-wrap", (e) => e.scrollWidth > e.clientWidth));
    await screenshot(page, "charts-390");
    assert.deepEqual(errors, []);
  });

  test("no chart ends in a false drop: the bucket still filling is left out or dashed", async (t) => {
    const { page, errors } = await openPage(t, browser);
    for (const groupby of ["model", "none"]) {
      await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=${groupby}`);
      const g = groupby === "none" ? "" : `&groupby=${groupby}`;
      const calls = (await api(`/metrics/span_count/series?window=24h&step=30m${g}`)).series as {
        points: [number, number][];
      }[];
      const sumAt = (i: number) => calls.reduce((a, s) => a + s.points[i][1], 0);
      const n = calls[0].points.length;
      // The scenario: the last bucket holds one minute, far less than the full one before it.
      assert.ok(sumAt(n - 1) < sumAt(n - 2) / 4, `${sumAt(n - 1)} vs ${sumAt(n - 2)}`);
      for (const id of CHART_IDS) {
        const d = await drawnOf(page, id);
        const last = d.x.length - 1;
        assert.equal(d.x.length, n, id);
        for (const [si, y] of d.drawn.entries()) {
          const label = `${id}/${d.labels[si]}`;
          // The partial bucket is either not drawn, or drawn only as a dashed (weak) segment.
          // (A segment is solid only when both its ends are strong.)
          assert.ok(y[last] === null || d.weak[si][last], `${label}: last bucket drawn solid`);
        }
      }
      // The stacked calls chart ends, solid, on the last complete bucket's total.
      const c = await drawnOf(page, "calls");
      const top = c.drawn[c.drawn.length - 1];
      assert.equal(top[n - 1], null);
      assert.equal(top[n - 2], sumAt(n - 2));
      assert.ok((top[n - 2] ?? 0) > 0);
      // Hovering the partial bucket still tells what it holds so far.
      const legend = await hover(page, "calls", n - 1);
      assert.match(Object.values(legend)[0] ?? "", /so far$/);
    }
    assert.deepEqual(errors, []);
  });

  test("latency ticks are round values, each with a label in ms or s", async (t) => {
    const { page } = await openPage(t, browser);
    for (const path of ["#/overview?window=24h&groupby=model", "#/overview?window=7d&groupby=none"]) {
      await show(page, "overview", `${server.url}/${path}`);
      const ticks = (await page.evaluate(() =>
        (document.querySelector("#chart-latency .chart-body") as WithHandle).drawn.yTicks(),
      )) as [number, string][];
      assert.ok(ticks.length >= 3, JSON.stringify(ticks));
      for (const [v, label] of ticks) {
        const m = /^(\d+) (ms|s)$/.exec(label);
        assert.ok(m, `tick ${v} is labelled ${JSON.stringify(label)}`);
        assert.equal(Number(m[1]) * (m[2] === "s" ? 1000 : 1), v);
        assert.match(m[1], /^[125]0*$/, label);
      }
      assert.equal(new Set(ticks.map(([, l]) => l)).size, ticks.length);
    }
  });

  test("ten groups get ten distinct palette colours, the same on every chart and in the table", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=model`);
    const first = await colorsOf(page, "cost");
    assert.equal(Object.keys(first).length, 10, Object.keys(first).join());
    assert.equal(new Set(Object.values(first)).size, 10);
    const palette = new Set(PALETTE.map(hexToRgb));
    for (const [g, c] of Object.entries(first)) assert.ok(palette.has(c), `${g}: ${c}`);
    for (const id of [...CHART_IDS.slice(1), "table"]) {
      const other = await colorsOf(page, id);
      for (const [g, c] of Object.entries(other)) assert.equal(c, first[g], `${g} on ${id}`);
    }
    // Another window ranks the models differently; each keeps its colour.
    await page.click("[data-window='7d']");
    await show(page, "overview");
    await page.click("[data-window='1h']");
    await show(page, "overview");
    await page.click("[data-window='24h']");
    await show(page, "overview");
    assert.deepEqual(await colorsOf(page, "cost"), first);
    // Without a split: the percentiles apart, "all calls" in the first colour on every chart.
    await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=none`);
    assert.equal(new Set(Object.values(await colorsOf(page, "latency"))).size, 3);
    for (const id of ["cost", "calls", "errors", "quality"])
      assert.deepEqual(await colorsOf(page, id), { "all calls": hexToRgb(PALETTE[0]) }, id);
    assert.deepEqual(errors, []);
  });

  for (const value of [null, 0] as const) {
    test(`an unpriced model shows as unpriced, never as $0 (cost sent as ${value})`, async (t) => {
      const { page, errors } = await openPage(t, browser);
      await page.route(/\/metrics(\/total_cost\/series)?\?/, unpricedAs(value));
      await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=model`);
      const row = page.locator(`#breakdown tr[data-group='${UNPRICED}']`);
      assert.equal(await row.locator("td:nth-child(2)").textContent(), "unpriced");
      assert.equal(await row.locator("td:nth-child(3)").textContent(), "–");
      assert.equal(await row.locator("td:nth-child(5)").textContent(), "unpriced");
      assert.equal(await row.locator("td:nth-child(4)").textContent(), "40");
      assert.match((await page.locator("[data-tile=cost] .sub").textContent()) ?? "", /\b4\d unpriced/);
      // On the cost chart, a bucket where it made calls says so on hover.
      const calls = await drawnOf(page, "calls");
      const si = calls.labels.indexOf(UNPRICED);
      const i = calls.raw[si].findIndex((v) => (v ?? 0) > 0);
      assert.equal((await hover(page, "cost", i))[UNPRICED], "unpriced");
      assert.equal((await drawnOf(page, "cost")).raw[si][i], value);
      assert.deepEqual(errors, []);
    });
  }

  test("error rates from few calls are marked, thin series hidden, counts shown on hover", async (t) => {
    const { page, errors } = await openPage(t, browser);
    await show(page, "overview", `${server.url}/#/overview?window=24h&groupby=model`);
    const d = await drawnOf(page, "errors");
    const series = ((await api("/metrics/span_count/series?window=24h&step=30m&groupby=model")).series ?? []) as {
      group: string;
      points: [number, number][];
    }[];
    const failed = ((await api("/metrics/error_count/series?window=24h&step=30m&groupby=model")).series ?? []) as {
      group: string;
      points: [number, number][];
    }[];
    // Every point from under 10 calls is dashed; the 4-call model starts hidden, 3 of 4 failed or not.
    for (const [si, label] of d.labels.entries()) {
      const pts = series.find((s) => s.group === label)?.points ?? [];
      for (const [i, [, n]] of pts.entries()) if (n < 10) assert.ok(d.weak[si][i], `${label} @${i}`);
    }
    const thin = page.locator("#chart-errors .u-legend .u-series", { hasText: THIN });
    assert.match((await thin.getAttribute("class")) ?? "", /u-off/);
    assert.match((await page.locator("#chart-errors .panel-note").textContent()) ?? "", /1 hidden: under 30 calls/);
    // Hover a complete bucket: each shown model's rate comes with its counts, as the API has them.
    const i = d.x.length - 3;
    const legend = await hover(page, "errors", i);
    const model = "gpt-4o-mini";
    const n = series.find((s) => s.group === model)?.points[i][1] ?? 0;
    const e = failed.find((s) => s.group === model)?.points[i][1] ?? 0;
    assert.ok(n > 0);
    assert.match(legend[model] ?? "", new RegExp(`· ${e} of ${n} calls$`));
    assert.deepEqual(errors, []);
  });
});
