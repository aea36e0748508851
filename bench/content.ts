// Content benchmarks (docs/content.md, docs/benchmarks.md), each against its target:
//   sdk     the SDK's capture cost per call on top of copying the messages (≤ 5 µs)
//   ingest  POST /spans with ~4 KB of chat content per span (bench/lib/content-data.ts:
//           messages, a tool call, some keys, emails, card numbers and near-misses) into a
//           real `tokentrace serve` on DuckDB: committed spans/s, median of --runs runs (≥ 20,000)
//   store   store.insert of spans with content prepared as the server prepares it, on a DuckDB
//           file in this process: CPU µs a span over all threads (the store's part of ingest)
//   read    GET /traces/{id}?content=1 (≤ 10 ms) and GET /traces?q= on a DuckDB store of
//           --spans spans over 7 days with the same content, built once and cached in bench/.data/
// Run: npx tsx bench/content.ts [--only sdk,ingest,store,read] [--runs 3] [--seconds 8] [--spans 200000] [--calls 20000]
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { readContentFields } from "../src/content/parse.js";
import { contentPolicy, prepareContent } from "../src/content/prepare.js";
import type { SpanContent } from "../src/content/types.js";
import { wrapOpenAI } from "../src/sdk/instrument/openai.js";
import { createTracer } from "../src/sdk/tracer.js";
import { MemoryTransport } from "../src/sdk/transports/memory.js";
import { buildApp } from "../src/server/app.js";
import { createRuntime } from "../src/server/runtime.js";
import type { Span } from "../src/span/types.js";
import { DuckDbStore } from "../src/store/duckdb/driver.js";
import { openStore } from "../src/store/index.js";
import { makeTempDir, removeDir, startServe } from "../test/e2e/helpers/server.js";
import { chatContent } from "./lib/content-data.js";
import { generateSpans } from "./lib/generate.js";
import { DATA_DIR } from "./lib/load.js";
import { postLoad } from "./lib/post-load.js";

const { values } = parseArgs({
  options: {
    only: { type: "string", default: "sdk,ingest,read" },
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    spans: { type: "string", default: "200000" },
    calls: { type: "string", default: "20000" },
  },
});
const ONLY = new Set(values.only.split(","));
const RUNS = Number(values.runs);
const SECONDS = Number(values.seconds);
const SPANS = Number(values.spans);
const CALLS = Number(values.calls);
const CONTENT_BYTES = 4096;
const DAY = 86_400_000;

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const fmt = (n: number) => Math.round(n).toLocaleString("en");
console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, load ${load()}`);

// --- sdk: a wrapped client whose create() answers at once, capture off vs on -------------
async function sdkBench(): Promise<void> {
  const MESSAGES = [
    { role: "system", content: "You are a support assistant. Answer briefly and politely." },
    ...Array.from({ length: 6 }, (_, i) => ({
      role: i % 2 === 0 ? "user" : "assistant",
      content: `message ${i}: ${"where is my order, it was due yesterday and has not arrived ".repeat(8)}`,
    })),
  ];
  const RESPONSE = {
    model: "gpt-4o",
    choices: [
      { index: 0, message: { role: "assistant", content: "It ships today. ".repeat(20) }, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 900, completion_tokens: 80, total_tokens: 980 },
  };
  async function perCall(capture: boolean): Promise<number> {
    const tracer = createTracer({
      transport: new MemoryTransport({ maxSpans: 1000 }),
      captureContent: capture,
      flushIntervalMs: 60_000,
      maxQueueSize: 1_000_000,
    });
    const client = wrapOpenAI({ chat: { completions: { create: async (_b: unknown) => RESPONSE } } }, { tracer });
    const body = { model: "gpt-4o", messages: MESSAGES, temperature: 0.2 };
    for (let i = 0; i < 2000; i++) await client.chat.completions.create(body); // warm up
    await tracer.flush();
    const t0 = cpuUs();
    for (let i = 0; i < CALLS; i++) await client.chat.completions.create(body);
    const us = (cpuUs() - t0) / CALLS;
    await tracer.shutdown();
    return us;
  }
  function copyCost(): number {
    let keep: unknown = null;
    const t0 = cpuUs();
    for (let i = 0; i < CALLS; i++) keep = structuredClone({ messages: MESSAGES, output: RESPONSE.choices });
    void keep;
    return (cpuUs() - t0) / CALLS;
  }
  const runs: { off: number; on: number; copy: number }[] = [];
  for (let r = 0; r < 5; r++) runs.push({ off: await perCall(false), on: await perCall(true), copy: copyCost() });
  const kb = (JSON.stringify(MESSAGES).length + JSON.stringify(RESPONSE.choices).length) / 1024;
  const extra = runs.map((r) => r.on - r.off - r.copy);
  console.log(
    `\nsdk capture: ${median(extra).toFixed(1)} µs CPU per call on top of copying the messages (target ≤ 5 µs; ` +
      `runs ${extra.map((x) => x.toFixed(1)).join(" / ")})\n` +
      `  ${median(runs.map((r) => r.off)).toFixed(1)} µs/call without capture, ${median(runs.map((r) => r.on)).toFixed(1)} µs with; ` +
      `copying the ${kb.toFixed(1)} KB of messages alone ${median(runs.map((r) => r.copy)).toFixed(1)} µs; ` +
      `median of 5 runs of ${fmt(CALLS)} calls; load ${load()}`,
  );
}

// --- ingest: a real server, 8 clients posting 1000-span batches with content --------------
/** A stored Span back into the request JSON a client sends, with its content. */
function toRequest(s: Span, seed: number): Record<string, unknown> {
  const { eval_score: _score, started_at, ended_at, ...rest } = s;
  const times = { started_at: new Date(started_at).toISOString(), ended_at: new Date(ended_at).toISOString() };
  return { ...rest, ...times, ...chatContent(CONTENT_BYTES, seed) };
}

// CPU seconds a process (all its threads) has used; Linux only, null elsewhere.
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function ingestBench(): Promise<void> {
  const BATCH = 1000;
  const BODIES = 24;
  const now = Date.now();
  const spans = [...generateSpans({ count: BATCH * BODIES, from: now - 3_600_000, to: now, seed: 7 })];
  const encoder = new TextEncoder();
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < BODIES; i++) {
    const batch = spans.slice(i * BATCH, (i + 1) * BATCH).map((s, k) => toRequest(s, i * BATCH + k));
    bodies.push(encoder.encode(JSON.stringify(batch)) as Uint8Array<ArrayBuffer>);
  }
  const kbPerSpan = bodies.reduce((n, b) => n + b.length, 0) / (BODIES * BATCH) / 1024;
  const rates: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const dir = await makeTempDir("tokentrace-bench-content-");
    const server = await startServe({ dataDir: dir, readyTimeoutMs: 180_000 });
    try {
      const health = async () =>
        ((await (await fetch(`${server.url}/health`)).json()) as { span_count: number }).span_count;
      const before = await health();
      const cpuBefore = cpuSeconds(server.child.pid);
      const r = await postLoad([server.url], bodies, 8, SECONDS);
      const committed = (await health()) - before;
      const cpuAfter = cpuSeconds(server.child.pid);
      if (committed !== r.accepted || r.errors > 0) {
        throw new Error(`ingest run ${run}: ${committed} spans stored, ${r.accepted} acknowledged, ${r.errors} errors`);
      }
      rates.push(committed / r.elapsed);
      if (cpuBefore !== null && cpuAfter !== null) cpu.push(((cpuAfter - cpuBefore) * 1e6) / committed);
      console.log(
        `  run ${run + 1}: ${fmt(committed / r.elapsed)} spans/s (${fmt(committed)} in ${r.elapsed.toFixed(1)} s; ${r.refused} requests refused with 503 + Retry-After, retried after it), load ${load()}`,
      );
    } finally {
      await server.stop();
      await removeDir(dir);
    }
  }
  console.log(
    `ingest with content: ${fmt(median(rates))} committed spans/s over HTTP (target ≥ 20,000; median of ${RUNS} runs: ` +
      `${rates.map(fmt).join(" / ")})\n` +
      `  ${kbPerSpan.toFixed(1)} KB of JSON a span, ~${CONTENT_BYTES / 1024} KB of it content; default redaction [secrets]; ` +
      `DuckDB; 8 clients × 1000-span requests for ${SECONDS} s; every acknowledged span counted in the store` +
      (cpu.length > 0 ? `\n  server CPU ${median(cpu).toFixed(0)} µs per committed span (all threads)` : ""),
  );
}

// --- store: store.insert with prepared content, CPU of this process (the worker included) --
async function storeBench(): Promise<void> {
  const COMMIT = 8000;
  const COUNT = 12 * COMMIT;
  const now = Date.now();
  const policy = contentPolicy(DEFAULT_CONFIG.content);
  const spans = [...generateSpans({ count: COUNT, from: now - 3_600_000, to: now, seed: 5 })];
  const batches: { spans: Span[]; rows: SpanContent[] }[] = [];
  for (let i = 0; i < COUNT; i += COMMIT) {
    const batch = spans.slice(i, i + COMMIT);
    const rows = batch.map((s, k) =>
      prepareContent(s, readContentFields(chatContent(CONTENT_BYTES, i + k)) as never, policy),
    );
    batches.push({ spans: batch, rows: rows as SpanContent[] });
  }
  const measure = async (withContent: boolean): Promise<number> => {
    const dir = await makeTempDir("tokentrace-bench-content-store-");
    const store = await DuckDbStore.open(join(dir, "spans.duckdb"));
    try {
      const insert = (b: (typeof batches)[number]) =>
        withContent ? store.insert(b.spans, b.rows) : store.insert(b.spans);
      await insert(batches[0]); // warm up
      const t0 = cpuUs();
      for (const b of batches.slice(1)) await insert(b);
      await store.close(); // the checkpoint is part of the cost
      return (cpuUs() - t0) / (COUNT - COMMIT);
    } finally {
      await store.close();
      await removeDir(dir);
    }
  };
  const on: number[] = [];
  const off: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    on.push(await measure(true));
    off.push(await measure(false));
  }
  const extra = on.map((x, i) => x - off[i]);
  console.log(
    `store.insert with ~4 KB content: ${median(on).toFixed(0)} µs CPU a span (all threads, close and checkpoint included), ` +
      `the same spans without content ${median(off).toFixed(0)} µs: content adds ${median(extra).toFixed(0)} µs ` +
      `(runs ${extra.map((x) => x.toFixed(0)).join(" / ")}; ${fmt(COUNT - COMMIT)} spans, ${COMMIT} a commit; load ${load()})`,
  );
}

// --- read: trace with content and content search on a cached store ------------------------
interface ContentData {
  path: string;
  count: number;
  to: number;
  rare24h: string;
  rare6d: string;
}

/** `count` spans over 7 days, each with ~4 KB of content prepared as the server prepares it. */
async function contentData(count: number): Promise<ContentData> {
  const file = join(DATA_DIR, `content-${count}-7d.duckdb`);
  if (existsSync(file) && existsSync(`${file}.json`)) {
    const meta = JSON.parse(readFileSync(`${file}.json`, "utf8")) as ContentData;
    if (Date.now() - meta.to < DAY) return meta;
  }
  mkdirSync(DATA_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  rmSync(`${tmp}.content`, { recursive: true, force: true });
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  const config = structuredClone(DEFAULT_CONFIG);
  config.storage = { driver: "duckdb", path: tmp, url: null };
  const store = await openStore(config);
  const policy = contentPolicy(DEFAULT_CONFIG.content);
  const meta: ContentData = { path: file, count, to, rare24h: "parcel-zq81", rare6d: "parcel-kx42" };
  const t0 = performance.now();
  const spans = [...generateSpans({ count, from: to - 7 * DAY, to, seed: 11 })].sort(
    (a, b) => a.started_at - b.started_at,
  );
  // One span 12 hours back and one 6 days back carry a word no other span has.
  const rareAt = new Map([
    [spans.findIndex((s) => s.started_at >= to - DAY / 2), meta.rare24h],
    [spans.findIndex((s) => s.started_at >= to - 6 * DAY), meta.rare6d],
  ]);
  try {
    for (let i = 0; i < count; i += 10_000) {
      const batch = spans.slice(i, i + 10_000);
      const rows: SpanContent[] = [];
      batch.forEach((s, k) => {
        const raw = chatContent(CONTENT_BYTES, i + k);
        const rare = rareAt.get(i + k);
        if (rare !== undefined) raw.input = `where is my ${rare}?`;
        const fields = readContentFields(raw);
        const row = fields === null ? null : prepareContent(s, fields, policy);
        if (row !== null) rows.push(row);
      });
      await store.insert(batch, rows);
      process.stderr.write(`\rbuilding ${Math.min(i + 10_000, count)}/${count} spans with content`);
    }
  } finally {
    await store.close();
  }
  // The content log goes with its file.
  rmSync(`${file}.content`, { recursive: true, force: true });
  renameSync(`${tmp}.content`, `${file}.content`);
  renameSync(tmp, file);
  writeFileSync(`${file}.json`, JSON.stringify(meta));
  process.stderr.write(`\rbuilt ${count} spans with content in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  return meta;
}

async function readBench(): Promise<void> {
  const data = await contentData(SPANS);
  const config = structuredClone(DEFAULT_CONFIG);
  config.storage = { driver: "duckdb", path: data.path, url: null };
  const store = await DuckDbStore.open(data.path);
  const rt = await createRuntime(config, { store, now: () => data.to });
  const app = await buildApp(rt);
  try {
    const get = async (url: string): Promise<{ ms: number; body: string }> => {
      const t0 = performance.now();
      const res = await app.inject({ method: "GET", url });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return { ms, body: res.body };
    };
    const ids = (await store.all("SELECT DISTINCT trace_id FROM spans USING SAMPLE 400 ROWS", [])).map((r) =>
      String(r.trace_id),
    );
    const withContent: number[] = [];
    const without: number[] = [];
    for (const id of ids.slice(0, 20)) await get(`/traces/${id}?content=1`); // warm up
    for (const id of ids.slice(20, 220)) withContent.push((await get(`/traces/${id}?content=1`)).ms);
    for (const id of ids.slice(220, 400)) without.push((await get(`/traces/${id}`)).ms);
    console.log(
      `GET /traces/{id}?content=1: median ${median(withContent).toFixed(2)} ms, p95 ${p95(withContent).toFixed(2)} ms ` +
        `(target ≤ 10 ms; 200 traces; without content median ${median(without).toFixed(2)} ms)\n` +
        `  store: ${fmt(data.count)} spans over 7 days, ~4 KB of content each; load ${load()}`,
    );
    const search = async (label: string, url: string, expect?: (body: string) => boolean) => {
      const xs: number[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await get(url);
        if (expect !== undefined && !expect(r.body))
          throw new Error(`${url}: unexpected answer ${r.body.slice(0, 200)}`);
        xs.push(r.ms);
      }
      console.log(`  ${label.padEnd(46)} median ${median(xs).toFixed(0).padStart(5)} ms, p95 ${p95(xs).toFixed(0)} ms`);
    };
    const found = (body: string) => (JSON.parse(body) as { traces: unknown[] }).traces.length === 1;
    const since7d = new Date(data.to - 7 * DAY + 60_000).toISOString();
    console.log(`GET /traces?q= (median and p95 of 7; ${fmt(data.count / 7)} spans a day; load ${load()}):`);
    await search("word in one span 12 h back, default 24 h", `/traces?q=${data.rare24h}`, found);
    await search("common word, default 24 h (limit 20)", "/traces?q=refund");
    await search("word in no span, default 24 h", "/traces?q=zz-nowhere-zz");
    await search("word in one span 6 days back, 7 days", `/traces?q=${data.rare6d}&since=${since7d}`, found);
    await search("word in no span, 7 days", `/traces?q=zz-nowhere-zz&since=${since7d}`);
  } finally {
    await app.close();
    await rt.close();
    await store.close().catch(() => {});
  }
}

if (ONLY.has("sdk")) await sdkBench();
if (ONLY.has("ingest")) await ingestBench();
if (ONLY.has("store")) await storeBench();
if (ONLY.has("read")) await readBench();
