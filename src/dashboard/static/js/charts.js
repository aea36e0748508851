// Time-series charts on uPlot. Series come from GET /metrics/{name}/series:
// {"series":[{"group","points":[[t_ms,v],...]}]}, every series with every step-aligned point.
import uPlot from "../vendor/uPlot.esm.js";
import { h } from "./dom.js";
import { toMs } from "./format.js";

export const PALETTE = [
  "#4f46e5",
  "#0891b2",
  "#ea580c",
  "#16a34a",
  "#db2777",
  "#ca8a04",
  "#7c3aed",
  "#dc2626",
  "#0d9488",
  "#64748b",
];
/** More lines than this stop being readable; the rest are left out and counted in the panel note. */
export const MAX_SERIES = 8;

/** Merges series onto the union of their timestamps (seconds, as uPlot wants); absent points are `missing`. */
export function alignSeries(series, missing = null) {
  const xs = new Set();
  const maps = series.map((s) => {
    const m = new Map();
    for (const [t, v] of s.points ?? []) {
      const x = Math.round(toMs(t) / 1000);
      xs.add(x);
      m.set(x, v);
    }
    return m;
  });
  const x = [...xs].sort((a, b) => a - b);
  return [x, ...maps.map((m) => x.map((t) => (m.has(t) ? m.get(t) : missing)))];
}

/**
 * Running sums for a stacked area chart and the bands that fill between neighbours
 * (the technique of uPlot's stacked-series demo). Nulls count as 0.
 */
export function stack(data) {
  const acc = data[0].map(() => 0);
  const out = [data[0]];
  for (let i = 1; i < data.length; i++) out.push(data[i].map((v, j) => (acc[j] += Number(v) || 0)));
  const bands = [];
  for (let i = 1; i < data.length - 1; i++) bands.push({ series: [i + 1, i] });
  return { data: out, bands };
}

const zeroRange = (_u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max * 1.08 : 1];
// Scores live in [0, 1] but move by hundredths: zoom in on where the lines are.
const tightRange = (_u, min, max) => (min == null ? [0, 1] : [Math.max(0, min - 0.04), Math.min(1, max + 0.02)]);
/** 1-2-5 steps on a log axis, instead of a grid line at every integer multiple. */
function logSplits(_u, _axis, min, max) {
  const out = [];
  for (let p = Math.floor(Math.log10(Math.max(min, 1e-9))); 10 ** p <= max; p++) {
    for (const m of [1, 2, 5]) if (m * 10 ** p >= min && m * 10 ** p <= max) out.push(m * 10 ** p);
  }
  return out;
}

const stamp = (v) =>
  new Date(v * 1000).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/**
 * Draws a chart into `box` and keeps it sized to the box; returns a function that destroys it.
 * `stacked` draws areas that add up (cost, calls); otherwise lines, on a log scale with `log`. The legend shows the
 * hovered point's real values (not the running sums) and stays blank otherwise.
 */
export function lineChart(
  box,
  { data, labels, colors, fmt, stacked = false, log = false, tight = false, height = 220 },
) {
  const width = Math.max(260, box.clientWidth);
  const raw = data;
  const drawn = stacked ? stack(data) : { data, bands: [] };
  const single = labels.length === 1;
  const opts = {
    width,
    height,
    bands: drawn.bands,
    cursor: { points: { size: 6 }, drag: { x: false, y: false } },
    legend: { live: true },
    // Latencies of different models span orders of magnitude: a log scale keeps the fast ones visible.
    scales: { x: { time: true }, y: log ? { distr: 3, log: 10 } : { range: tight ? tightRange : zeroRange } },
    axes: [
      { stroke: "#6b7280", grid: { stroke: "#eef0f4" }, ticks: { stroke: "#e5e7eb" } },
      {
        stroke: "#6b7280",
        grid: { stroke: "#eef0f4" },
        ticks: { stroke: "#e5e7eb" },
        size: 66,
        splits: log ? logSplits : undefined,
        values: (_u, vals) => vals.map((v) => fmt(v)),
      },
    ],
    series: [
      { label: "", value: (_u, v) => (v == null ? "" : stamp(v)) },
      ...labels.map((label, i) => ({
        label,
        stroke: colors[i],
        width: stacked ? 1 : 1.75,
        fill: stacked ? `${colors[i]}b0` : single ? `${colors[i]}18` : undefined,
        spanGaps: false,
        points: { show: false },
        value: (_u, _v, sidx, idx) => {
          const v = idx == null ? null : raw[sidx][idx];
          return v == null ? "" : fmt(v);
        },
      })),
    ],
  };
  const chart = new uPlot(opts, drawn.data, box);
  const ro = new ResizeObserver(() => {
    const w = Math.max(260, box.clientWidth);
    if (Math.abs(w - chart.width) > 1) chart.setSize({ width: w, height });
  });
  ro.observe(box);
  return () => {
    ro.disconnect();
    chart.destroy();
  };
}

/** A titled panel holding one chart; `body` is where the chart or a notice goes. */
export function chartPanel(title, id) {
  const body = h("div", { class: "chart-body" });
  const note = h("span", { class: "panel-note" });
  const tools = h("div", { class: "panel-tools" });
  const panel = h("section", { class: "panel chart", id }, h("header", {}, h("h3", {}, title), note, tools), body);
  return { panel, body, note, tools };
}
