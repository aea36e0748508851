// POST /scores throughput against a real `tokentrace serve` child process (DuckDB store in
// a temp dir): concurrent clients post one score per request, back to back, over keep-alive
// connections, as evaluators and feedback buttons do. Prints acknowledged (201) scores/s,
// verified at the end against the scores table of the stopped server's file. Target
// (issue #14): >= 5,000 scores/s.
// Run: npx tsx bench/scores.ts [--seconds 10] [--clients 64] [--traces 10000] [--batch 1]
import http from "node:http";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DuckDbStore } from "../src/store/duckdb/driver.js";
import { makeTempDir, removeDir, startServe, storageFile } from "../test/e2e/helpers/server.js";
import { post } from "./lib/post-load.js";
import { cpuSeconds } from "./lib/proc.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "64" },
    traces: { type: "string", default: "10000" },
    // scores per request: 1 is the single-object body; more sends an array, as the SDK's
    // http transport sends what it has queued
    batch: { type: "string", default: "1" },
  },
});
const BATCH = Math.max(1, Number(values.batch));
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const TRACES = Number(values.traces);

const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
const traceId = (i: number) => `${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}`;

// A mix like real feedback: numeric evaluator scores, thumbs, labels with a comment. No
// id: each request is a new score (the SDK's own ids make a retry replace; not measured here).
function score(i: number): Record<string, unknown> {
  const trace_id = traceId(i % TRACES);
  const kinds = [
    { trace_id, name: "helpfulness", value: (i % 100) / 100, source: "llm" },
    { trace_id, name: "user.thumbs", value: i % 3 !== 0, source: "human" },
    { trace_id, span_id: hex(i, 16), name: "topic", label: ["billing", "shipping", "other"][i % 3], comment: "auto" },
  ];
  return kinds[i % kinds.length];
}
const body = (i: number) =>
  new TextEncoder().encode(
    JSON.stringify(BATCH === 1 ? score(i) : Array.from({ length: BATCH }, (_, k) => score(i * BATCH + k))),
  );
const bodies = Array.from({ length: 3000 }, (_, i) => body(i));

const dir = await makeTempDir("tokentrace-bench-scores-");
const server = await startServe({ dataDir: dir, readyTimeoutMs: 180_000 });
let stopped = false;
try {
  const cpuBefore = cpuSeconds(server.child.pid);
  const clientCpu = process.cpuUsage();
  let created = 0;
  let errors = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = c; performance.now() < deadline; i += CLIENTS) {
        const res = await post(agent, `${server.url}/scores`, bodies[i % bodies.length]);
        if (res.status === 201) created += BATCH;
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  const cpuAfter = cpuSeconds(server.child.pid);
  const { user, system } = process.cpuUsage(clientCpu);
  agent.destroy();
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  await server.stop();
  stopped = true;
  const store = await DuckDbStore.open(storageFile(dir), { rebuild: "none" });
  const [{ n }] = await store.all("SELECT count(*) AS n FROM scores", []);
  await store.close();
  console.log(
    `scores: ${Math.round(created / elapsed).toLocaleString("en")} scores/s acknowledged with 201 ` +
      `(${created.toLocaleString("en")} in ${elapsed.toFixed(1)} s; ${CLIENTS} clients, ${BATCH === 1 ? "one score a request" : `${BATCH} scores a request`}; ${errors} errors)`,
  );
  console.log(`  machine: ${cpus().length} cores, load average ${load} (at the end of the run)`);
  if (cpuBefore !== null && cpuAfter !== null && created > 0) {
    const us = ((cpuAfter - cpuBefore) * 1e6) / created;
    console.log(
      `  server CPU: ${us.toFixed(1)} µs per score (all threads; ~${Math.round(1e6 / us).toLocaleString("en")} scores/s per core)`,
    );
  }
  // The load generator shares the machine's cores with the server: its cost bounds the figure too.
  if (created > 0) console.log(`  client CPU (this process): ${((user + system) / created).toFixed(1)} µs per score`);
  if (Number(n) !== created) console.log(`MISMATCH: the store holds ${n} scores, clients were told ${created}`);
  else console.log(`  verified: the store holds all ${Number(n).toLocaleString("en")} scores`);
} finally {
  if (!stopped) await server.stop();
  await removeDir(dir);
}
