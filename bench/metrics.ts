// GET /metrics latency over N spans spread over 30 days in the DuckDB store (rollups built,
// `workflow` a declared dimension), through the real HTTP server (fastify, the DuckDB worker
// thread, JSON rendering). Prints the server's RSS at the end.
// Usage: npx tsx bench/metrics.ts [--count 10000000] [--runs 15]
// Targets (median, at 10M spans on 2 cores): see CASES; each also within 1.5x of its 1M figure.
import { rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { BENCH_DIMENSIONS, loadDuckdb } from "./lib/load.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const count = arg("count", 10_000_000);
const runs = arg("runs", 15);

const CASES: [string, string, number | null][] = [
  ["/metrics 1h", "/metrics?window=1h", 15],
  ["/metrics 24h", "/metrics?window=24h", 30],
  ["/metrics 30d", "/metrics?window=30d", 100],
  ["/metrics/latency?groupby=model 30d", "/metrics/latency?window=30d&groupby=model", 100],
  ["/metrics/cost?groupby=workflow 7d (declared)", "/metrics/cost?window=7d&groupby=workflow", 100],
  ["/metrics/latency_p95 1h (alert path)", "/metrics/latency_p95?window=1h", 10],
  ["/metrics/total_cost/series 24h by model", "/metrics/total_cost/series?window=24h&groupby=model", null],
  ["/metrics/prometheus", "/metrics/prometheus", 50],
  ["/metrics/cost?groupby=user_id 7d (span field, reads spans)", "/metrics/cost?window=7d&groupby=user_id", null],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const copy = join(tmpdir(), `tokentrace-bench-metrics-${process.pid}.duckdb`);
const data = await loadDuckdb(undefined, count, { copyTo: copy });
const store = await DuckDbStore.open(copy, { dimensions: BENCH_DIMENSIONS });
const config = {
  ...DEFAULT_CONFIG,
  http_server: { ...DEFAULT_CONFIG.http_server, addr: "127.0.0.1:0" },
  metrics: {
    ...DEFAULT_CONFIG.metrics,
    dimensions: [...BENCH_DIMENSIONS.names],
    max_dimension_values: BENCH_DIMENSIONS.maxValues,
  },
};
// The clock stands at the end of the data, so the windows hold what a live server would see.
const server = await startServer(config, { store, now: () => data.to });
try {
  console.log(
    `spans ${await store.countSpans()} over 30 days  (machine: 2 cores shared, load ${loadavg()[0].toFixed(1)}, Node ${process.version})`,
  );
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
  console.log(`server RSS after the run: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (target <= 500 MB)`);
  if (failed) process.exitCode = 1;
} finally {
  await server.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
