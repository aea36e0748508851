// The main thread's share of ingest with content, without HTTP or a store: a POST /spans body
// of 1000 spans with ~4 KB of chat content each (bench/lib/content-data.ts) is parsed as the
// server parses it, its spans normalised and its content checked, redacted ([secrets]) and
// encoded for the store, over and over. Prints CPU µs a span (this thread and all threads, the
// collector's helpers included) and the collector's pauses, median of --runs runs.
// Run: npx tsx bench/content-prepare.ts [--runs 5] [--bodies 40]
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { contentPolicy } from "../src/content/prepare.js";
import { SpanBody } from "../src/ingest/body.js";
import { readSpans } from "../src/ingest/content.js";
import { parseJsonBody } from "../src/server/json-body.js";
import { encodeContent } from "../src/store/duckdb/content-schema.js";
import { chatContent } from "./lib/content-data.js";
import { generateSpans } from "./lib/generate.js";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "5" }, bodies: { type: "string", default: "40" } },
});
const RUNS = Number(values.runs);
const BODIES = Number(values.bodies);
const BATCH = 1000;

const now = Date.now();
const texts: string[] = [];
for (let b = 0; b < 8; b++) {
  const spans = [...generateSpans({ count: BATCH, from: now - 3_600_000, to: now, seed: b })].map((s, k) => {
    const { eval_score: _score, started_at, ended_at, ...rest } = s;
    const times = { started_at: new Date(started_at).toISOString(), ended_at: new Date(ended_at).toISOString() };
    return { ...rest, ...times, ...chatContent(4096, b * BATCH + k) };
  });
  texts.push(JSON.stringify(spans));
}
const bodies = texts.map((t) => Buffer.from(t));
const policy = contentPolicy(DEFAULT_CONFIG.content);
const opts = {
  qualityKey: DEFAULT_CONFIG.quality.score_attribute,
  defaultCaller: DEFAULT_CONFIG.service,
  price: () => null,
  maxFutureMs: DEFAULT_CONFIG.ingest.max_future_ms,
  retentionMs: DEFAULT_CONFIG.retention_ms,
};

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
// This (the main) thread's CPU from /proc (Linux; NaN elsewhere), in 10 ms ticks.
const threadUs = () => {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
};

function once(i: number): number {
  // The body as the server gets it: bytes decoded, then read as POST /spans reads it.
  const body = SpanBody.of(bodies[i % bodies.length].toString("utf8"), parseJsonBody);
  const { rows } = readSpans(body, { ...opts, now: Date.now() }, policy);
  return encodeContent(rows).columns.count;
}

for (let i = 0; i < 8; i++) once(i);
const all: number[] = [];
const main: number[] = [];
const gc: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const [c0, t0, g0] = [cpuUs(), threadUs(), gcMs];
  let n = 0;
  for (let i = 0; i < BODIES; i++) n += once(i);
  all.push((cpuUs() - c0) / n);
  main.push((threadUs() - t0) / n);
  // gc entries are delivered on a later turn of the event loop
  await new Promise((resolve) => setTimeout(resolve, 10));
  gc.push(((gcMs - g0) * 1000) / n);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (xs: number[]) => `${median(xs).toFixed(1)} µs (${xs.map((x) => x.toFixed(1)).join(" / ")})`;
console.log(`machine: ${cpus().length} cores, Node ${process.version}, load ${loadavg()[0].toFixed(1)}`);
console.log(`prepare ${BODIES} bodies of ${BATCH} spans, ~${(texts[0].length / BATCH / 1024).toFixed(1)} KB a span:`);
console.log(`  all threads ${f(all)} a span`);
console.log(`  main thread ${Number.isNaN(median(main)) ? "n/a" : f(main)} a span`);
console.log(`  collector pauses ${f(gc)} a span`);
