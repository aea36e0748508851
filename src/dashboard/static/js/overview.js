// Overview: totals for the window and charts over time, split by a dimension or attribute.
import { api, withQuery } from "./api.js";
import { msTick, pctTick } from "./axes.js";
import { alignSeries, chartPanel, lineChart, MAX_SERIES } from "./charts.js";
import { assignColors, NO_COLOR, PALETTE } from "./colors.js";
import { field, fill, h, notice, select } from "./dom.js";
import { compact, ms, pct, score, usd } from "./format.js";
import { costExtras, errorExtras } from "./overview-charts.js";
import { breakdownTable, groupOrder, isUnpriced, totalsTiles } from "./overview-parts.js";
import { loadTopUsers } from "./top-users.js";

export const WINDOWS = ["1h", "6h", "24h", "7d", "30d"];
/** Step per window: 30 to 90 points, enough to see the shape without drowning in noise. */
export const STEPS = { "1h": "2m", "6h": "10m", "24h": "30m", "7d": "2h", "30d": "12h" };
const DIMENSIONS = [
  ["none", "Nothing (all calls)"],
  ["model", "Model"],
  ["caller", "Caller"],
  ["provider", "Provider"],
  ["status", "Status"],
  ["user_id", "User"],
  ["attr", "Attribute…"],
];
const BUILTIN = new Set(["none", "model", "caller", "provider", "status", "user_id"]);
const PERCENTILES = ["p50", "p95", "p99"];
/** Group → colour for as long as the page is open, so a model keeps its colour across views. */
const COLORS = new Map();
/** Without a split: "all calls" (group null) and the three latency percentiles. */
const UNSPLIT_COLORS = new Map([["null", PALETTE[0]], ...PERCENTILES.map((p, i) => [p, PALETTE[i]])]);

const CHARTS = [
  { id: "cost", title: "Cost", metric: "total_cost", fmt: usd, stacked: true },
  { id: "calls", title: "Calls", metric: "span_count", fmt: compact, stacked: true },
  { id: "latency", title: "Latency", metric: "latency", fmt: ms, tick: msTick, log: true },
  { id: "errors", title: "Error rate", metric: "error_rate", fmt: pct, tick: pctTick },
  { id: "quality", title: "Quality (avg score)", metric: "quality_avg", fmt: score, tight: true },
];

function readState(p) {
  return {
    window: WINDOWS.includes(p.get("window")) ? p.get("window") : "24h",
    groupby: p.get("groupby") || "model",
    pct: PERCENTILES.includes(p.get("pct")) ? p.get("pct") : "p95",
  };
}

export async function renderOverview(root, ctx) {
  const state = readState(ctx.params);
  const destroyers = [];
  const destroyCharts = () => {
    for (const d of destroyers.splice(0)) d();
  };
  ctx.onCleanup(destroyCharts);

  const windowBar = h("div", { class: "segmented", role: "group", "aria-label": "Time window", id: "window" });
  for (const w of WINDOWS)
    windowBar.append(h("button", { type: "button", dataset: { window: w }, onclick: () => update({ window: w }) }, w));
  const dimSelect = select(DIMENSIONS, BUILTIN.has(state.groupby) ? state.groupby : "attr", { id: "groupby" });
  const attrInput = h("input", {
    id: "groupby-attr",
    list: "attr-keys",
    placeholder: "e.g. workflow",
    value: BUILTIN.has(state.groupby) ? "" : state.groupby,
  });
  const attrField = field("Attribute key", attrInput, "attr-field");
  const keys = h("datalist", { id: "attr-keys" });
  const stampEl = h("span", { class: "stamp" });
  dimSelect.addEventListener("change", () => {
    attrField.hidden = dimSelect.value !== "attr";
    if (dimSelect.value !== "attr") return update({ groupby: dimSelect.value });
    loadAttributeKeys(keys);
    attrInput.focus();
    if (attrInput.value.trim()) update({ groupby: attrInput.value.trim() });
  });
  const applyAttr = () => {
    const key = attrInput.value.trim();
    if (key && key !== state.groupby) update({ groupby: key });
  };
  attrInput.addEventListener("change", applyAttr);
  attrInput.addEventListener("keydown", (ev) => ev.key === "Enter" && applyAttr());
  attrField.hidden = BUILTIN.has(state.groupby);
  if (!BUILTIN.has(state.groupby)) loadAttributeKeys(keys);

  const tiles = h("div", { class: "tiles", id: "totals" });
  const panels = new Map(CHARTS.map((c) => [c.id, chartPanel(c.title, `chart-${c.id}`)]));
  const pctBar = h("div", { class: "segmented small", role: "group", "aria-label": "Latency percentile" });
  for (const p of PERCENTILES)
    pctBar.append(h("button", { type: "button", dataset: { pct: p }, onclick: () => update({ pct: p }) }, p));
  panels.get("latency").tools.append(pctBar);
  const breakdown = h("section", { class: "panel", id: "breakdown" });
  const topUsers = h("section", { class: "panel", id: "top-users" });
  // The table gets a row of its own: eight columns do not fit beside a chart.
  const grid = h(
    "div",
    { class: "charts" },
    [...panels.values()].map((p) => p.panel),
  );

  fill(
    root,
    h(
      "div",
      { class: "toolbar" },
      h("div", { class: "field" }, h("span", {}, "Window"), windowBar),
      field("Split by", dimSelect),
      attrField,
      keys,
      stampEl,
    ),
    tiles,
    grid,
    breakdown,
    topUsers,
  );

  function update(change) {
    Object.assign(state, change);
    return ctx.track(refresh());
  }

  let generation = 0;
  async function refresh() {
    const gen = ++generation;
    const stale = () => gen !== generation || ctx.signal.aborted;
    ctx.setParams({ window: state.window, groupby: state.groupby, pct: state.pct });
    for (const b of windowBar.children) b.classList.toggle("active", b.dataset.window === state.window);
    for (const b of pctBar.children) b.classList.toggle("active", b.dataset.pct === state.pct);
    const groupby = state.groupby === "none" ? undefined : state.groupby;
    pctBar.hidden = !groupby;
    for (const { body } of panels.values()) body.dataset.state = "loading";

    const series = (metric) =>
      api(withQuery(`metrics/${metric}/series`, { window: state.window, step: STEPS[state.window], groupby })).then(
        (r) => r.series ?? [],
      );
    const settle = (p) =>
      p.then(
        (value) => ({ value }),
        (error) => ({ error }),
      );
    // With groupby, GET /metrics adds by_<key>: every figure per group over exactly the window.
    const totals = settle(api(withQuery("metrics", { window: state.window, groupby })));
    const loads = CHARTS.map((c) => {
      if (c.id !== "latency") return settle(series(c.metric));
      if (groupby) return settle(series(`latency_${state.pct}`));
      // Without a split the three percentiles share one chart.
      return settle(
        Promise.all(PERCENTILES.map((p) => series(`latency_${p}`))).then((rs) =>
          rs.map((r, i) => ({ group: PERCENTILES[i], points: r[0]?.points ?? [] })),
        ),
      );
    });
    // Counts behind the error rate, shown on hover.
    const errorCounts = settle(series("error_count"));
    const users = loadTopUsers(topUsers, state.window, stale);
    const [t, errs, ...results] = await Promise.all([totals, errorCounts, ...loads]);
    await users;
    if (stale()) return;

    fill(tiles, t.error ? notice(t.error.message, "error") : totalsTiles(t.value));
    // One order and one colour per group across every chart, biggest spender first.
    const groups = groupby ? (t.value?.[`by_${groupby}`] ?? {}) : {};
    const at = (id) => results[CHARTS.findIndex((c) => c.id === id)].value;
    const order = groupOrder(groups, at("calls") ?? []);
    const colors = groupby ? assignColors([...order.keys()], COLORS) : UNSPLIT_COLORS;
    const unpriced = new Set(Object.keys(groups).filter((g) => isUnpriced(groups[g].cost, groups[g].span_count)));
    const counts = { calls: at("calls"), errors: errs.value, unpriced };
    destroyCharts();
    for (const [i, c] of CHARTS.entries()) draw(c, results[i], order, colors, counts);
    fill(breakdown, groupby && !t.error ? breakdownTable(state.groupby, groups, order, colors) : null);
    breakdown.hidden = !groupby;
    stampEl.textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  function draw(c, result, order, colors, counts) {
    const { body, note } = panels.get(c.id);
    if (result.error) {
      fill(body, notice(result.error.message, "error"));
      body.dataset.state = "error";
      return;
    }
    const rank = (g) => (order.has(String(g)) ? order.get(String(g)) : 1e9);
    const all = [...result.value].sort(
      (a, b) => rank(a.group) - rank(b.group) || String(a.group).localeCompare(String(b.group)),
    );
    const kept = all.slice(0, MAX_SERIES);
    note.textContent = all.length > kept.length ? `top ${kept.length} of ${all.length}` : "";
    const hasValues = (list) => (list ?? []).some((s) => (s.points ?? []).some(([, v]) => v !== null && v !== 0));
    if (!hasValues(kept)) {
      const empty =
        c.id === "quality"
          ? "No scored calls in this window."
          : c.id === "cost" && hasValues(counts.calls)
            ? "No priced calls in this window: every call is unpriced."
            : "No calls in this window.";
      fill(body, notice(empty));
      body.dataset.state = "empty";
      return;
    }
    body.replaceChildren();
    const labels = kept.map((s) => (s.group === null || s.group === undefined ? "all calls" : String(s.group)));
    const data = alignSeries(kept);
    const extras =
      c.id === "errors"
        ? errorExtras(kept, data, counts.calls, counts.errors)
        : c.id === "cost"
          ? costExtras(kept, data, counts.calls, counts.unpriced)
          : {};
    if (extras.note && !note.textContent) note.textContent = extras.note;
    destroyers.push(
      lineChart(body, {
        data,
        labels,
        colors: kept.map((s) => colors.get(String(s.group)) ?? NO_COLOR),
        fmt: c.fmt,
        tick: c.tick,
        stacked: c.stacked,
        log: c.log,
        tight: c.tight,
        ...extras,
      }),
    );
    body.dataset.state = "ready";
  }

  const timer = setInterval(() => document.visibilityState === "visible" && !ctx.signal.aborted && update({}), 60_000);
  ctx.onCleanup(() => clearInterval(timer));
  await refresh();
}

let keysLoaded = false;
/** Offers the attribute keys seen on recent traces as suggestions for the split. */
async function loadAttributeKeys(list) {
  if (keysLoaded) return;
  keysLoaded = true;
  try {
    const r = await api("traces?limit=100");
    const seen = new Set();
    for (const t of r.traces ?? [])
      for (const s of t.spans ?? []) for (const k of Object.keys(s.attributes ?? {})) seen.add(k);
    fill(
      list,
      [...seen].sort().map((k) => h("option", { value: k })),
    );
  } catch {
    keysLoaded = false;
  }
}
