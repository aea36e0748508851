// Starts a real Prometheus (Debian's `prometheus` binary, put in .bin/ by
// scripts/install-promtool.sh) on a free port, scraping one target every second.
//
//   const prom = await startPrometheus({ target: "127.0.0.1:9090", dir });
//   const rows = await prom.query("sum(tokentrace_spans_total)");
//   await prom.stop();
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./server.js";

export const PROMETHEUS = process.env.PROMETHEUS ?? join(REPO_ROOT, ".bin/prometheus/usr/bin/prometheus");
export const PROMTOOL = process.env.PROMTOOL ?? join(REPO_ROOT, ".bin/prometheus/usr/bin/promtool");

/** One series of an instant query: labels and [unix seconds, "value"]. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusProcess {
  url: string;
  /** Instant query through /api/v1/query; fails the test on a PromQL error. */
  query(expr: string): Promise<PromSample[]>;
  /** Range query through /api/v1/query_range: each series' [unix seconds, "value"] points. */
  queryRange(
    expr: string,
    start: number,
    end: number,
    stepS: number,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  /** Values of one label, like Grafana's label_values(match, label). */
  labelValues(label: string, match: string): Promise<string[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function getJson(url: string): Promise<{ status: string; data: unknown; error?: string }> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: unknown; error?: string };
  assert.equal(body.status, "success", `${url}: ${body.error ?? res.status}`);
  return body;
}

export async function startPrometheus(opts: {
  target: string;
  dir: string;
  metricsPath?: string;
}): Promise<PrometheusProcess> {
  const config = join(opts.dir, "prometheus.yml");
  await writeFile(
    config,
    [
      "global: { scrape_interval: 1s, evaluation_interval: 1s }",
      "scrape_configs:",
      "  - job_name: tokentrace",
      `    metrics_path: ${opts.metricsPath ?? "/metrics/prometheus"}`,
      `    static_configs: [{ targets: ["${opts.target}"] }]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(opts.dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    log = (log + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`prometheus did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async query(expr) {
      const body = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (body.data as { result: PromSample[] }).result;
    },
    async queryRange(expr, start, end, stepS) {
      const q = `query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=${stepS}`;
      const body = await getJson(`${url}/api/v1/query_range?${q}`);
      return (body.data as { result: { metric: Record<string, string>; values: [number, string][] }[] }).result;
    },
    async labelValues(label, match) {
      const body = await getJson(`${url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`);
      return body.data as string[];
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
