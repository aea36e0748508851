// One alert evaluation round (every rule's metric queried from the DuckDB store, evaluated,
// state written back) over 2M spans spread over 30 days: how long a round of 20 typical
// rules takes against eval_interval (default 30 s).
// Usage: npx tsx bench/alerts.ts [--count 2000000] [--runs 9]
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAlertService } from "../src/alerts/index.js";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { loadDuckdb } from "./lib/load.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}
const count = arg("count", 2_000_000);
const runs = arg("runs", 9);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// A realistic mix: short windows for errors and latency, long ones for spend and quality.
const METRICS: [string, string, number][] = [
  ["total_cost", "1h", 10],
  ["total_cost", "24h", 100],
  ["cost_per_call", "6h", 0.05],
  ["latency_p95", "30m", 4000],
  ["latency_p99", "1h", 8000],
  ["latency_avg", "15m", 2000],
  ["ttft_p95", "1h", 1500],
  ["error_rate", "15m", 0.05],
  ["error_count", "1h", 50],
  ["timeout_rate", "1h", 0.02],
  ["quality_avg", "6h", 0.8],
  ["quality_p10", "24h", 0.5],
  ["span_count", "5m", 1],
  ["total_tokens", "1h", 5_000_000],
];
const FILTERS: Record<string, string>[] = [
  {},
  { model: "gpt-4o" },
  { caller: "summarizer-service" },
  { "attr.workflow": "rag-answer" },
];
const rules = Array.from({ length: 20 }, (_, i) => {
  const [metric, window, threshold] = METRICS[i % METRICS.length];
  return {
    name: `rule-${i}`,
    metric,
    op: "gt",
    threshold,
    window,
    filter: FILTERS[i % FILTERS.length],
    delivery: { type: "log" },
  };
});

const copy = join(tmpdir(), `tokentrace-bench-alerts-${process.pid}.duckdb`);
const data = await loadDuckdb(undefined, count, { copyTo: copy });
const store = await DuckDbStore.open(copy);
const alerts = await createAlertService({
  store,
  config: DEFAULT_CONFIG,
  now: () => data.to,
  codeRules: rules,
  log: () => undefined,
  warn: (m) => console.error(m),
});
try {
  console.log(
    `spans ${await store.countSpans()} over 30 days, ${rules.length} rules  (machine: 2 cores shared, Node ${process.version})`,
  );
  await alerts.evaluateNow(); // warm-up: column segments loaded, queries compiled
  await alerts.idle();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await alerts.evaluateNow();
    await alerts.idle();
    times.push(performance.now() - t);
  }
  const m = median(times);
  console.log(
    `evaluation round: median ${m.toFixed(1)} ms (${(m / rules.length).toFixed(1)} ms a rule), min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`,
  );
  const firing = alerts.list().filter((r) => r.firing).length;
  console.log(`firing after the round: ${firing} of ${rules.length}`);
} finally {
  await alerts.stop();
  await store.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
