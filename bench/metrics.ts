// GET /metrics latency over 2M spans spread over 30 days in the DuckDB store, through the
// real HTTP server (fastify, the DuckDB worker thread, JSON rendering).
// Usage: npx tsx bench/metrics.ts [--count 2000000] [--runs 15]
// Targets (median): /metrics 30d < 300 ms, 1h < 20 ms; cost?groupby=workflow over 7d < 150 ms.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { loadDuckdb } from "./lib/load.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const count = arg("count", 2_000_000);
const runs = arg("runs", 15);

const CASES: [string, string, number | null][] = [
  ["/metrics 1h", "/metrics?window=1h", 20],
  ["/metrics 24h", "/metrics?window=24h", null],
  ["/metrics 30d", "/metrics?window=30d", 300],
  ["/metrics/latency?groupby=model 30d", "/metrics/latency?window=30d&groupby=model", null],
  ["/metrics/cost?groupby=workflow 7d", "/metrics/cost?window=7d&groupby=workflow", 150],
  ["/metrics/latency_p95 1h (alert path)", "/metrics/latency_p95?window=1h", null],
  ["/metrics/total_cost/series 24h by model", "/metrics/total_cost/series?window=24h&groupby=model", null],
  ["/metrics/prometheus", "/metrics/prometheus", null],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const copy = join(tmpdir(), `tokentrace-bench-metrics-${process.pid}.duckdb`);
const data = await loadDuckdb(undefined, count, { copyTo: copy });
const store = await DuckDbStore.open(copy);
const config = { ...DEFAULT_CONFIG, http_server: { ...DEFAULT_CONFIG.http_server, addr: "127.0.0.1:0" } };
// The clock stands at the end of the data, so the windows hold what a live server would see.
const server = await startServer(config, { store, now: () => data.to });
try {
  console.log(`spans ${await store.countSpans()} over 30 days  (machine: 2 cores shared, Node ${process.version})`);
  let failed = false;
  for (const [label, path, target] of CASES) {
    const get = async () => {
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
      return body.length;
    };
    await get(); // warm-up: first query compiles and loads column segments
    await get();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await get();
      times.push(performance.now() - t);
    }
    const m = median(times);
    const verdict =
      target === null ? "" : m < target ? `  target < ${target} ms: ok` : `  target < ${target} ms: MISSED`;
    if (target !== null && m >= target) failed = true;
    console.log(
      `${label.padEnd(42)} median ${m.toFixed(1).padStart(7)} ms  min ${Math.min(...times)
        .toFixed(1)
        .padStart(7)} ms${verdict}`,
    );
  }
  if (failed) process.exitCode = 1;
} finally {
  await server.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
