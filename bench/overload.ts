// Overload (issue #12 point 4) against a real `tokentrace serve` child process (DuckDB in a
// temp dir): first measures ingest capacity (closed loop, `--clients` back-to-back posters,
// `--measure` seconds), then offers `--factor` (4) times that as an open loop — requests
// start on a fixed schedule whatever the answers — for `--seconds` (30). Prints the p50/p99
// answer time of the accepted (202) requests (target p99 <= 2 s), how the others were
// answered (all must be 503 with Retry-After), the server's peak RSS (target <= 1 GiB,
// VmRSS sampled every 100 ms) and whether every acknowledged span is stored: the server's
// span count must equal the spans acknowledged, and a sample of acknowledged requests is read
// back span by span through GET /traces/{id}. Every request has fresh ids (one trace each).
// Answer times count from when the schedule wanted the request sent, and the client keeps at
// most CLIENT_CAP requests open (a request due past that is not sent and counts as a miss).
// Exits 1 when a target is missed.
// Run: npx tsx bench/overload.ts [--seconds 30] [--factor 4] [--batch 500] [--clients 8] [--measure 8] [--warmup 3]
import { readFileSync } from "node:fs";
import http from "node:http";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Span } from "../src/span/types.js";
import { makeTempDir, removeDir, startServe } from "../test/e2e/helpers/server.js";
import { generateSpans } from "./lib/generate.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    factor: { type: "string", default: "4" },
    batch: { type: "string", default: "500" },
    clients: { type: "string", default: "8" },
    measure: { type: "string", default: "8" },
    warmup: { type: "string", default: "3" },
  },
});
const SECONDS = Number(values.seconds);
const FACTOR = Number(values.factor);
const BATCH = Number(values.batch);
const CLIENTS = Number(values.clients);
const MEASURE_S = Number(values.measure);
const WARMUP_S = Number(values.warmup);
const P99_TARGET_MS = 2000;
const RSS_TARGET = 1024 ** 3;

// One batch of spans as JSON, split around its ids so each request gets fresh ones cheaply:
// trace_id = <request counter, 8 hex> + a fixed tail; span_id = <request counter> + <index>.
const now = Date.now();
const template = [...generateSpans({ count: BATCH, from: now - 600_000, to: now, seed: 11 })];
const MARK = "ffffffff";
function toRequest(s: Span, i: number): Record<string, unknown> {
  const { eval_score: _score, started_at, ended_at, trace_id: _t, span_id: _s, parent_span_id: _p, ...rest } = s;
  return {
    ...rest,
    trace_id: `${MARK}-0000-4000-8000-000000000000`,
    span_id: `${MARK}${i.toString(16).padStart(8, "0")}`,
    parent_span_id: null,
    started_at: new Date(started_at).toISOString(),
    ended_at: new Date(ended_at).toISOString(),
  };
}
const pieces = JSON.stringify(template.map(toRequest))
  .split(MARK)
  .map((p) => Buffer.from(p));
let counter = 0;
function nextBody(): { body: Buffer; traceId: string } {
  const id = (counter++).toString(16).padStart(8, "0");
  const idBytes = Buffer.from(id);
  const parts: Buffer[] = [];
  pieces.forEach((p, i) => {
    if (i > 0) parts.push(idBytes);
    parts.push(p);
  });
  return { body: Buffer.concat(parts), traceId: `${id}-0000-4000-8000-000000000000` };
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  traceId: string;
}

// The client's own bound: at most this many requests open at once. An open loop that keeps
// starting requests the server does not answer would otherwise hold every body in memory
// (seen: 10 GB in this process, swapping the machine, so every figure measured the swap).
// A request due while this many are open is not sent and counts as a miss.
const CLIENT_CAP = 1024;
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENT_CAP });
let open = 0;

/** POSTs a fresh batch; the answer time counts from `due`, when the schedule wanted it sent. */
function post(url: string, due = performance.now()): Promise<Answer> {
  const { body, traceId } = nextBody();
  open++;
  return new Promise<Answer>((resolve) => {
    const done = (status: number, retryAfter: string | null) => {
      open--;
      resolve({ status, ms: performance.now() - due, retryAfter, traceId });
    };
    const req = http.request(
      `${url}/spans`,
      { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } },
      (res) => {
        res.resume();
        const retry = res.headers["retry-after"];
        res.on("end", () => done(res.statusCode ?? 0, typeof retry === "string" ? retry : null));
        res.on("error", () => done(0, null));
      },
    );
    // a request the server refused and closed on may still be writing its body
    req.on("error", () => done(0, null));
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const spanCount = async (url: string) =>
  ((await (await fetch(`${url}/health`)).json()) as { span_count: number }).span_count;

const dir = await makeTempDir("tokentrace-overload-");
const server = await startServe({ dataDir: dir, readyTimeoutMs: 180_000 });
const pid = server.child.pid ?? -1;
let maxRss = 0;
const sampler = setInterval(() => {
  maxRss = Math.max(maxRss, rssBytes(pid));
}, 100);
let failed = false;
try {
  // 1. Capacity: closed loop, each client posts again as soon as it is answered; the first
  // WARMUP_S seconds (JIT, first checkpoints) are not counted.
  const closedLoop = async (seconds: number) => {
    const start = performance.now();
    let spans = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() - start < seconds * 1000) {
          if ((await post(server.url)).status === 202) spans += BATCH;
        }
      }),
    );
    return (spans / (performance.now() - start)) * 1000;
  };
  await closedLoop(WARMUP_S);
  const before = await spanCount(server.url);
  const capacity = await closedLoop(MEASURE_S);
  const measured = (await spanCount(server.url)) - before;
  console.log(
    `capacity: ${Math.round(capacity).toLocaleString("en")} spans/s (${CLIENTS} clients, ${BATCH}-span requests, ` +
      `${MEASURE_S} s; store count grew by ${measured.toLocaleString("en")})`,
  );

  // 2. Overload: open loop at FACTOR x capacity.
  const offered = capacity * FACTOR;
  const intervalMs = (BATCH / offered) * 1000;
  const answers: Promise<Answer>[] = [];
  const oStart = performance.now();
  const startCount = await spanCount(server.url);
  let due = oStart;
  let missed = 0;
  while (performance.now() - oStart < SECONDS * 1000) {
    while (due <= performance.now()) {
      if (open < CLIENT_CAP) answers.push(post(server.url, due));
      else missed++;
      due += intervalMs;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(5, due - performance.now()))));
  }
  const all = await Promise.all(answers);
  const wall = (performance.now() - oStart) / 1000;
  const accepted = all.filter((a) => a.status === 202);
  const refused = all.filter((a) => a.status === 503 && a.retryAfter !== null);
  const other = all.filter((a) => a.status !== 202 && !(a.status === 503 && a.retryAfter !== null));
  const latencies = accepted.map((a) => a.ms).sort((a, b) => a - b);
  const refusedMs = refused.map((a) => a.ms).sort((a, b) => a - b);
  const p99 = pct(latencies, 99);
  console.log(
    `offered: ${Math.round(offered).toLocaleString("en")} spans/s (${FACTOR}x) for ${SECONDS} s = ${all.length} requests ` +
      `(${(1000 / intervalMs).toFixed(1)}/s of ${BATCH} spans); all answered after ${wall.toFixed(1)} s`,
  );
  console.log(
    `accepted: ${accepted.length} requests (${((accepted.length * BATCH) / wall).toFixed(0)} spans/s), ` +
      `answer p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms ` +
      `(target p99 <= ${P99_TARGET_MS} ms)`,
  );
  console.log(
    `refused: ${refused.length} with 503 + Retry-After (answer p99 ${pct(refusedMs, 99).toFixed(0)} ms); ` +
      `other answers: ${other.length}${other.length > 0 ? ` (${[...new Set(other.map((a) => a.status))].join(", ")})` : ""}; ` +
      `not sent: ${missed} (due while ${CLIENT_CAP} requests were still unanswered)`,
  );

  // 3. Every acknowledged span stored: the count, then a sample read back span by span.
  const stored = (await spanCount(server.url)) - startCount;
  const sample = accepted.filter((_, i) => i % Math.max(1, Math.floor(accepted.length / 40)) === 0);
  let sampleMissing = 0;
  for (const a of sample) {
    const t = (await (await fetch(`${server.url}/traces/${a.traceId}`)).json()) as { spans?: unknown[] };
    sampleMissing += BATCH - (t.spans?.length ?? 0);
  }
  console.log(
    `stored: ${stored.toLocaleString("en")} spans for ${(accepted.length * BATCH).toLocaleString("en")} acknowledged; ` +
      `${sample.length} acknowledged requests read back, ${sampleMissing} spans missing`,
  );
  console.log(`server peak RSS: ${(maxRss / 2 ** 20).toFixed(0)} MiB (target <= 1024 MiB)`);
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  failed =
    !(p99 <= P99_TARGET_MS) ||
    other.length > 0 ||
    missed > 0 ||
    stored !== accepted.length * BATCH ||
    sampleMissing > 0 ||
    maxRss > RSS_TARGET;
  console.log(failed ? "FAILED: a target was missed" : "ok: every target met");
} finally {
  clearInterval(sampler);
  await server.stop();
  await removeDir(dir);
}
process.exit(failed ? 1 : 0);
