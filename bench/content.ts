// Content benchmarks (docs/content.md): the SDK's capture cost per call, and GET
// /traces/{id}?content=1 and GET /traces?q= against a DuckDB store holding spans with ~4 KB
// of content each. Ingest with content: npx tsx bench/ingest.ts --content-bytes 4096.
// Run: npx tsx bench/content.ts [--spans 50000] [--calls 20000]
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import type { SpanContent } from "../src/content/types.js";
import { wrapOpenAI } from "../src/sdk/instrument/openai.js";
import { createTracer } from "../src/sdk/tracer.js";
import { MemoryTransport } from "../src/sdk/transports/memory.js";
import { buildApp } from "../src/server/app.js";
import { createRuntime } from "../src/server/runtime.js";
import { openStore } from "../src/store/index.js";
import { makeTempDir, removeDir } from "../test/e2e/helpers/server.js";
import { generateSpans } from "./lib/generate.js";

const { values } = parseArgs({
  options: { spans: { type: "string", default: "50000" }, calls: { type: "string", default: "20000" } },
});
const SPANS = Number(values.spans);
const CALLS = Number(values.calls);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// --- SDK: a wrapped client whose create() answers at once, capture off vs on -------------
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

const sdkRuns: { off: number; on: number; copy: number }[] = [];
for (let r = 0; r < 5; r++) sdkRuns.push({ off: await perCall(false), on: await perCall(true), copy: copyCost() });
const sdk = {
  off: median(sdkRuns.map((r) => r.off)),
  on: median(sdkRuns.map((r) => r.on)),
  copy: median(sdkRuns.map((r) => r.copy)),
  extra: median(sdkRuns.map((r) => r.on - r.off - r.copy)),
};
const bodyKb = (JSON.stringify(MESSAGES).length + JSON.stringify(RESPONSE.choices).length) / 1024;
console.log(
  `sdk: ${sdk.off.toFixed(1)} µs/call without capture, ${sdk.on.toFixed(1)} µs with (${bodyKb.toFixed(1)} KB of messages); ` +
    `copying the messages alone ${sdk.copy.toFixed(1)} µs; capture on top of the copy ${sdk.extra.toFixed(1)} µs (median of 5 runs of ${CALLS} calls)`,
);

// --- Server: a DuckDB store with SPANS spans, each with ~4 KB of content ----------------
const dir = await makeTempDir("tokentrace-bench-content-");
const config = structuredClone(DEFAULT_CONFIG);
config.storage = { driver: "duckdb", path: join(dir, "s.duckdb"), url: null };
const store = await openStore(config);
try {
  const now = Date.now();
  const spans = [...generateSpans({ count: SPANS, from: now - 20 * 3600_000, to: now, seed: 11 })];
  const filler = "the order shipped late because the warehouse was closed; please refund the delivery fee. ".repeat(26);
  const rows: SpanContent[] = spans.map((s, i) => ({
    trace_id: s.trace_id,
    span_id: s.span_id,
    started_at: s.started_at,
    system: [{ type: "text", content: "You are a support assistant." }],
    input: [{ role: "user", parts: [{ type: "text", content: `ticket ${i}: ${filler.slice(0, 2400)}` }] }],
    output: [{ role: "assistant", parts: [{ type: "text", content: filler.slice(0, 1500) }], finish_reason: "stop" }],
    tools: null,
    redactions: 0,
    truncated_bytes: 0,
  }));
  rows[Math.floor(SPANS / 3)].input = [
    { role: "user", parts: [{ type: "text", content: "my parcel-zq81 never came" }] },
  ];
  for (let i = 0; i < SPANS; i += 5000) {
    await store.content.insertContent(rows.slice(i, i + 5000));
    await store.insert(spans.slice(i, i + 5000));
  }
  const rt = await createRuntime(config, { store, now: () => now });
  const app = await buildApp(rt);
  const time = async (url: string, n: number) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const res = await app.inject({ method: "GET", url: typeof url === "string" ? url : url });
      xs.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    }
    return median(xs);
  };
  const ids = spans.filter((_, i) => i % 97 === 0).map((s) => s.trace_id);
  let k = 0;
  const getMs: number[] = [];
  for (let i = 0; i < 200; i++) getMs.push(await time(`/traces/${ids[k++ % ids.length]}?content=1`, 1));
  const plainMs: number[] = [];
  for (let i = 0; i < 200; i++) plainMs.push(await time(`/traces/${ids[k++ % ids.length]}`, 1));
  console.log(
    `GET /traces/{id}?content=1: median ${median(getMs).toFixed(2)} ms (without content ${median(plainMs).toFixed(2)} ms; ` +
      `${SPANS.toLocaleString("en")} spans with ~4 KB content each, 200 lookups)`,
  );
  const rare = await time("/traces?q=parcel-zq81", 7);
  const common = await time("/traces?q=refund", 7);
  console.log(
    `GET /traces?q=: rare word ${rare.toFixed(0)} ms, word in every span ${common.toFixed(0)} ms (median of 7; 24 h window, ${SPANS.toLocaleString("en")} spans)`,
  );
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  await app.close();
  await rt.close();
} finally {
  await store.close().catch(() => {});
  await removeDir(dir);
}
