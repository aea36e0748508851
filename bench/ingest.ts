// POST /spans throughput against a real `tokentrace serve` child process (DuckDB store in
// a temp dir): several concurrent clients post 1000-span batches of realistic spans back
// to back; prints committed spans/s, verified against the store's span count at the end.
// Also prints what store.insert alone sustains on the same spans (skip with --no-raw).
// With --content-bytes N every span also carries ~N bytes of chat (bench/lib/content-data.ts:
// messages, a tool call, some keys, emails and card numbers), redacted with the default
// [secrets] rules, capped and stored in its own table.
// --dist runs the compiled server (dist/cli/main.js, as `npm start` and the package do; run
// `npm run build` first) instead of the sources through tsx.
// Run: npx tsx bench/ingest.ts [--seconds 10] [--clients 8] [--batch 1000] [--content-bytes 4096] [--no-raw] [--profile] [--dist]
import { readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import type { Span } from "../src/span/types.js";
import { openStore } from "../src/store/index.js";
import { makeTempDir, removeDir, startServe } from "../test/e2e/helpers/server.js";
import { chatContent } from "./lib/content-data.js";
import { generateSpans } from "./lib/generate.js";
import { postLoad } from "./lib/post-load.js";
import { cpuSeconds } from "./lib/proc.js";

const { values } = parseArgs({
  allowNegative: true,
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "8" },
    batch: { type: "string", default: "1000" },
    bodies: { type: "string", default: "60" },
    profile: { type: "boolean", default: false },
    dist: { type: "boolean", default: false },
    raw: { type: "boolean", default: true },
    "content-bytes": { type: "string", default: "0" },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const BATCH = Number(values.batch);
const BODIES = Number(values.bodies);
const CONTENT_BYTES = Number(values["content-bytes"]);
/** A stored Span back into the request JSON a client would send. */
function toRequest(s: Span): Record<string, unknown> {
  const { eval_score: _score, started_at, ended_at, ...rest } = s;
  const req = { ...rest, started_at: new Date(started_at).toISOString(), ended_at: new Date(ended_at).toISOString() };
  return CONTENT_BYTES > 0 ? { ...req, ...chatContent(CONTENT_BYTES, started_at % 100_000) } : req;
}

const now = Date.now();
const all = [...generateSpans({ count: BATCH * BODIES, from: now - 3_600_000, to: now, seed: 7 })];
// Encoded once, so the client spends its CPU on sending, not on building requests.
const encoder = new TextEncoder();
const bodies: Uint8Array<ArrayBuffer>[] = [];
for (let i = 0; i < BODIES; i++) {
  bodies.push(
    encoder.encode(JSON.stringify(all.slice(i * BATCH, (i + 1) * BATCH).map(toRequest))) as Uint8Array<ArrayBuffer>,
  );
}
const avgKb = bodies.reduce((n, b) => n + b.length, 0) / bodies.length / 1024;

// The store's own ceiling under the same machine load: the same spans straight into
// store.insert, in commits of the size group commit forms with 8 clients.
async function rawStoreRate(): Promise<number> {
  const rawDir = await makeTempDir("tokentrace-bench-raw-");
  const store = await openStore({
    ...DEFAULT_CONFIG,
    storage: { driver: "duckdb", path: join(rawDir, "s.duckdb"), url: null },
  });
  try {
    const start = performance.now();
    for (let i = 0; i < all.length; i += 8 * BATCH) await store.insert(all.slice(i, i + 8 * BATCH));
    return all.length / ((performance.now() - start) / 1000);
  } finally {
    await store.close();
    await removeDir(rawDir);
  }
}
if (values.raw) {
  console.log(
    `store.insert alone: ${Math.round(await rawStoreRate()).toLocaleString("en")} spans/s (DuckDB, 8000 per commit)`,
  );
}

// CPU seconds per thread name (main thread "node", the store worker and DuckDB's threads,
// libuv's pool), to see where a span's CPU goes. Linux only; empty elsewhere.
function threadSeconds(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const key = tid === String(pid) ? "main" : `${name}/${tid}`;
      out.set(key, (out.get(key) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    }
  } catch {
    // the process is gone, or no /proc
  }
  return out;
}

const dir = await makeTempDir("tokentrace-bench-");
const server = await startServe({
  dataDir: dir,
  nodeArgs: [
    ...(process.env.SERVER_NODE_ARGS?.split(" ") ?? []),
    ...(values.profile ? ["--cpu-prof", `--cpu-prof-dir=${dir}/prof`] : []),
  ],
  cli: values.dist ? fileURLToPath(new URL("../dist/cli/main.js", import.meta.url)) : undefined,
  // a busy shared machine can take longer than the default to compile and open the store
  readyTimeoutMs: 180_000,
});
try {
  const before = ((await (await fetch(`${server.url}/health`)).json()) as { span_count: number }).span_count;
  const cpuBefore = cpuSeconds(server.child.pid);
  const threadsBefore = threadSeconds(server.child.pid);
  const clientCpu = process.cpuUsage();
  const { accepted, errors, refused, requests, elapsed } = await postLoad([server.url], bodies, CLIENTS, SECONDS);
  const { user, system } = process.cpuUsage(clientCpu);
  const health = (await (await fetch(`${server.url}/health`)).json()) as { span_count: number };
  const committed = health.span_count - before;
  const cpuAfter = cpuSeconds(server.child.pid);
  const threadsAfter = threadSeconds(server.child.pid);
  console.log(
    `ingest: ${Math.round(committed / elapsed).toLocaleString("en")} committed spans/s ` +
      `(${committed.toLocaleString("en")} spans in ${elapsed.toFixed(1)} s; ${requests} requests of ${BATCH} spans, ` +
      `~${avgKb.toFixed(0)} KB each; ${CLIENTS} clients; ${errors} errors; ${refused} refused with 503 + Retry-After; 202-acknowledged ${accepted.toLocaleString("en")})`,
  );
  console.log(
    `  machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  if (cpuBefore !== null && cpuAfter !== null && committed > 0) {
    const us = ((cpuAfter - cpuBefore) * 1e6) / committed;
    console.log(
      `  server CPU: ${us.toFixed(1)} µs per committed span (all threads; ~${Math.round(1e6 / us).toLocaleString("en")} spans/s per core)`,
    );
  }
  if (committed > 0 && threadsAfter.size > 0) {
    const parts = [...threadsAfter]
      .map(([name, t]) => [name, ((t - (threadsBefore.get(name) ?? 0)) * 1e6) / committed] as const)
      .filter(([, us]) => us >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => `${name} ${us.toFixed(1)}`);
    console.log(`  by thread (µs per span): ${parts.join(", ")}`);
  }
  // The load generator shares the machine's cores with the server: its cost bounds the figure too.
  if (committed > 0)
    console.log(`  client CPU (this process): ${((user + system) / committed).toFixed(1)} µs per span`);
  if (committed !== accepted) console.log(`MISMATCH: store has ${committed} new spans, clients were told ${accepted}`);
} finally {
  await server.stop();
  if (values.profile) console.log(`profile in ${dir}/prof (not removed)`);
  else await removeDir(dir);
}
