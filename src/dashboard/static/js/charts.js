// Time-series charts on uPlot. Series come from GET /metrics/{name}/series:
// {"series":[{"group","points":[[t_ms,v],...]}]}, every series with every step-aligned point.
// The last point is the bucket still filling (it holds now): it is never drawn as if complete.
import uPlot from "../vendor/uPlot.esm.js";
import { logRange, logTicks, tightRange, zeroRange } from "./axes.js";
import { PALETTE } from "./colors.js";
import { h } from "./dom.js";
import { toMs } from "./format.js";

/** As many lines as there are distinct colours; the rest are left out and counted in the panel note. */
export const MAX_SERIES = PALETTE.length;

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
 * (the technique of uPlot's stacked-series demo). Nulls count as 0, except at the indexes
 * in `omit`, which are left out of every series (null).
 */
export function stack(data, omit = new Set()) {
  const acc = data[0].map(() => 0);
  const out = [data[0]];
  for (let i = 1; i < data.length; i++) {
    const row = data[i].map((v, j) => (acc[j] += Number(v) || 0));
    out.push(row.map((v, j) => (omit.has(j) ? null : v)));
  }
  const bands = [];
  for (let i = 1; i < data.length - 1; i++) bands.push({ series: [i + 1, i] });
  return { data: out, bands };
}

const stamp = (v) =>
  new Date(v * 1000).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** Min and max of the values not flagged weak (all values when every one is weak). */
function strongExtent(ys, weak) {
  let lo = null;
  let hi = null;
  for (const pass of ["strong", "all"]) {
    for (const [si, y] of ys.entries())
      for (const [i, v] of y.entries()) {
        if (v == null || (pass === "strong" && weak[si][i])) continue;
        lo = lo == null ? v : Math.min(lo, v);
        hi = hi == null ? v : Math.max(hi, v);
      }
    if (hi != null) break;
  }
  return [lo, hi];
}

/**
 * Redraws, solid, the segments of series `si` whose both ends are strong: the series itself
 * is stroked faded and dashed, so what is left is the weak part (partial or thin buckets).
 */
function strokeStrong(u, si, weak, color, width) {
  const ys = u.data[si];
  const xs = u.data[0];
  const { ctx } = u;
  ctx.save();
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  ctx.beginPath();
  for (let i = 1; i < ys.length; i++) {
    if (ys[i - 1] == null || ys[i] == null || weak[i - 1] || weak[i]) continue;
    ctx.moveTo(u.valToPos(xs[i - 1], "x", true), u.valToPos(ys[i - 1], "y", true));
    ctx.lineTo(u.valToPos(xs[i], "x", true), u.valToPos(ys[i], "y", true));
  }
  ctx.setLineDash([]); // uPlot leaves the series' own dash set
  ctx.strokeStyle = color;
  ctx.lineWidth = width * devicePixelRatio;
  ctx.lineJoin = "round";
  ctx.stroke();
  ctx.restore();
}

/**
 * Draws a chart into `box` and keeps it sized to the box; returns a function that destroys it.
 * `data` is [x, ...ys] from alignSeries. `stacked` is for sums (cost, calls): areas that add up,
 * without the still-filling last bucket (a partial sum reads as a drop). Other charts draw
 * it, and any point flagged in `weak[si][i]` (too few calls to mean much), dashed and faded,
 * and fit the y axis to the solid points. `log` uses a log scale. `fmt` formats values in the
 * legend, `tick` the axis labels; `describe(si, i)` may replace a legend value (counts on
 * hover). Series whose index is in `hidden` start switched off (click the legend to show).
 */
export function lineChart(box, opts) {
  const { data, labels, colors, fmt, tick = fmt, stacked = false, log = false, tight = false, height = 220 } = opts;
  const { hidden = new Set(), describe } = opts;
  const n = data[0].length;
  const last = n - 1;
  const weak = data.slice(1).map((y, si) => y.map((_v, i) => i === last || Boolean(opts.weak?.[si]?.[i])));
  const drawn = stacked ? stack(data, new Set([last])) : { data, bands: [] };
  const [lo, hi] = strongExtent(drawn.data.slice(1), stacked ? weak.map((w) => w.map(() => false)) : weak);
  const single = labels.length === 1;
  const plotHeight = height - 50;
  const yScale = log
    ? { distr: 3, log: 10, range: () => logRange(lo, hi) }
    : { range: () => (tight ? tightRange(lo, hi) : zeroRange(lo, hi)) };
  let yTicks = [];
  const chart = new uPlot(
    {
      width: Math.max(260, box.clientWidth),
      height,
      bands: drawn.bands,
      cursor: { points: { size: 6 }, drag: { x: false, y: false } },
      // Markers in the full colour even where the line itself starts faded.
      legend: { live: true, markers: { stroke: (_u, si) => colors[si - 1], dash: "solid" } },
      // Latencies of different models span orders of magnitude: a log scale keeps the fast ones visible.
      scales: { x: { time: true }, y: yScale },
      axes: [
        { stroke: "#6b7280", grid: { stroke: "#eef0f4" }, ticks: { stroke: "#e5e7eb" } },
        {
          stroke: "#6b7280",
          grid: { stroke: "#eef0f4" },
          ticks: { stroke: "#e5e7eb" },
          size: 66,
          splits: log
            ? (u, _a, min, max) => logTicks(min, max, u.bbox.height / devicePixelRatio || plotHeight)
            : undefined,
          // uPlot blanks some log ticks by default; ours are chosen so that every one has room for a label.
          filter: (_u, splits) => splits,
          values: (_u, vals) => {
            yTicks = vals.map((v) => [v, v == null ? "" : tick(v)]);
            return yTicks.map(([, label]) => label);
          },
        },
      ],
      series: [
        { label: "", value: (_u, v) => (v == null ? "" : stamp(v)) },
        ...labels.map((label, i) => ({
          label,
          show: !hidden.has(i),
          stroke: stacked ? colors[i] : `${colors[i]}60`,
          dash: stacked ? undefined : [5, 4],
          width: stacked && !single ? 1 : 1.5,
          fill: single ? `${colors[i]}18` : stacked ? `${colors[i]}b0` : undefined,
          spanGaps: false,
          points: { show: false },
          value: (_u, _v, sidx, idx) => {
            if (idx == null) return "";
            const text = describe?.(sidx - 1, idx);
            if (text !== undefined) return text;
            const v = data[sidx][idx];
            return v == null ? "" : `${fmt(v)}${idx === last ? " so far" : ""}`;
          },
        })),
      ],
      hooks: stacked
        ? {}
        : { drawSeries: [(u, si) => strokeStrong(u, si, weak[si - 1], colors[si - 1], u.series[si].width + 0.25)] },
    },
    drawn.data,
    box,
  );
  // What is drawn, for the browser tests: solid values end where `weak` starts; the y axis's [value, label] ticks.
  box.drawn = { chart, weak, raw: data, yTicks: () => yTicks };
  const ro = new ResizeObserver(() => {
    const w = Math.max(260, box.clientWidth);
    if (Math.abs(w - chart.width) > 1) chart.setSize({ width: w, height });
  });
  ro.observe(box);
  return () => {
    ro.disconnect();
    chart.destroy();
    box.drawn = undefined;
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
