// Draws every panel query of grafana/tokentrace.json as a real Prometheus answers it, for
// docs/screenshot-grafana.png (Grafana itself is not packaged here). Starts `tokentrace serve`
// (memory store) and Prometheus scraping it every second, feeds steady synthetic traffic for
// MINUTES (default 3), then runs each panel's PromQL through /api/v1/query_range and draws one
// uPlot chart per panel in headless Chromium.
//   node --import tsx scripts/grafana-preview.ts [MINUTES]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser } from "../test/e2e/helpers/browser.js";
import { startPrometheus } from "../test/e2e/helpers/prometheus.js";
import { makeTempDir, REPO_ROOT, removeDir, startServe } from "../test/e2e/helpers/server.js";

interface Panel {
  title: string;
  type: string;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr: string; legendFormat?: string }[];
}
const minutes = Number(process.argv[2] ?? 3);
const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, "grafana/tokentrace.json"), "utf8")) as { panels: Panel[] };
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"];
const CALLERS = ["checkout", "search", "support-bot"];

let tick = 0;
function traffic(): Record<string, unknown>[] {
  tick++;
  const out: Record<string, unknown>[] = [];
  for (const [m, model] of MODELS.entries()) {
    // A slow wave in volume and latency so the charts show movement, plus a burst of errors.
    const n = 1 + Math.round(2 + 2 * Math.sin(tick / 20 + m));
    for (let i = 0; i < n; i++) {
      out.push({
        model,
        caller: CALLERS[(tick + i + m) % CALLERS.length],
        prompt_tokens: 400 + ((tick * 37 + i * 11) % 900),
        comp_tokens: 60 + ((tick * 13 + m * 7) % 300),
        latency_ms: (300 + m * 700) * (1 + 0.5 * Math.sin(tick / 15)) + ((tick * 97 + i * 31) % 900),
        status: (tick + i) % (m === 2 && tick > 150 ? 4 : 23) === 0 ? "error" : "ok",
        attributes: { "eval.score": Math.min(1, 0.55 + m * 0.15 + ((tick + i) % 5) / 20) },
      });
    }
  }
  return out;
}

const expand = (e: string) =>
  e
    .replaceAll("$__rate_interval", "30s")
    .replaceAll("$__range", `${Math.round(minutes * 60)}s`)
    .replaceAll("$model", ".*")
    .replaceAll("$caller", ".*");

const dir = await makeTempDir();
const server = await startServe({ args: ["--storage-driver", "memory"], cwd: dir });
const prom = await startPrometheus({ target: new URL(server.url).host, dir });
const post = () =>
  fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(traffic()),
  });
const feeder = setInterval(() => void post().catch(() => {}), 500);
const start = Date.now() / 1000;
console.error(`feeding traffic for ${minutes} min...`);
await new Promise((r) => setTimeout(r, minutes * 60_000));
clearInterval(feeder);
const end = Date.now() / 1000;

const charts = [];
for (const p of dashboard.panels) {
  if (p.targets === undefined) continue;
  const series: { label: string; points: [number, number][] }[] = [];
  for (const t of p.targets) {
    const rows = await prom.queryRange(expand(t.expr), Math.ceil(start + 20), Math.floor(end), 2);
    for (const r of rows) {
      const label = (t.legendFormat ?? "").replace(/\{\{(\w+)\}\}/g, (_, k: string) => r.metric[k] ?? "");
      series.push({ label, points: r.values.map(([ts, v]) => [ts, Number(v)]) });
    }
  }
  charts.push({ title: p.title, unit: p.fieldConfig?.defaults?.unit ?? "", stat: p.type === "stat", series });
}
await prom.stop();
await server.stop();
await removeDir(dir);

const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.setContent(`<html><head><style>
  body { font: 13px sans-serif; margin: 12px; background: #111217; color: #ccc; }
  h1 { font-size: 16px; margin: 0 0 8px } .grid { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px }
  .card { background: #181b1f; border: 1px solid #2c3235; padding: 6px } .wide { grid-column: span 2 }
  .stat { font-size: 30px; color: #73bf69; padding: 14px 4px } .t { font-weight: bold; margin-bottom: 4px }
  .u-legend { color: #ccc; font-size: 11px }
</style></head><body><h1>tokentrace (grafana/tokentrace.json) — queries answered by Prometheus, drawn with uPlot</h1><div class="grid" id="g"></div></body></html>`);
await page.addStyleTag({ path: join(REPO_ROOT, "node_modules/uplot/dist/uPlot.min.css") });
await page.addScriptTag({ path: join(REPO_ROOT, "node_modules/uplot/dist/uPlot.iife.min.js") });
// tsx compiles the callback below with esbuild's keepNames helper, which the page lacks.
await page.evaluate("window.__name = (f) => f");
await page.evaluate((list) => {
  const colors = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#b877d9"];
  const fmt = (v: number, unit: string) =>
    unit === "percentunit"
      ? `${(v * 100).toFixed(1)}%`
      : unit === "currencyUSD"
        ? `$${v.toFixed(3)}`
        : unit === "ms"
          ? `${v.toFixed(0)} ms`
          : v.toFixed(2);
  const grid = document.getElementById("g") as HTMLElement;
  for (const c of list) {
    const card = document.createElement("div");
    card.className = c.stat ? "card" : "card wide";
    card.innerHTML = `<div class="t"></div>`;
    (card.firstChild as HTMLElement).textContent = c.title;
    grid.append(card);
    if (c.stat) {
      const last = c.series[0]?.points.at(-1)?.[1];
      const div = document.createElement("div");
      div.className = "stat";
      div.textContent = last === undefined ? "no data" : fmt(last, c.unit);
      card.append(div);
      continue;
    }
    const xs = c.series[0]?.points.map((p) => p[0]) ?? [];
    const data = [xs, ...c.series.map((s) => xs.map((x) => s.points.find((p) => p[0] === x)?.[1] ?? null))];
    // biome-ignore lint/suspicious/noExplicitAny: uPlot is a browser global here
    const U = (window as any).uPlot;
    new U(
      {
        width: 660,
        height: 190,
        series: [{}, ...c.series.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length], width: 1.5 }))],
        axes: [
          { stroke: "#999" },
          { stroke: "#999", values: (_: unknown, v: number[]) => v.map((x) => fmt(x, c.unit)), size: 70 },
        ],
      },
      data,
      card,
    );
  }
}, charts);
const out = join(REPO_ROOT, "docs/screenshot-grafana.png");
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.error(`wrote ${out}`);
