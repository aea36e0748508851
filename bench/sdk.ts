// SDK overhead: what recording a span costs the host app.
//   npx tsx bench/sdk.ts [--spans N] [--rounds R] [--dist]
// --dist measures the compiled package (run `npm run build` first) instead of the sources
// through tsx, whose per-closure helpers add about a microsecond to the wrapped call.
// Prints the median µs/span over R rounds for:
//   - recordLLMCall with the memory transport (the recording path alone: ids, pricing, queue)
//   - a wrapped OpenAI-shaped call minus the same call unwrapped (memory transport, CPU time)
//   - recordLLMCall with HttpTransport to a local collector (a child process answering 202),
//     counting this process's CPU time for recording + batching + JSON + HTTP
//   - recordLLMCall with HttpTransport and the collector down: cost, RSS, dropped count
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type * as Sdk from "../src/index.js";

const { values } = parseArgs({
  options: { spans: { type: "string" }, rounds: { type: "string" }, dist: { type: "boolean" } },
});
const sdk: typeof Sdk = values.dist
  ? await import(new URL("../dist/index.js", import.meta.url).href)
  : await import("../src/index.js");
const { createTracer, HttpTransport, MemoryTransport, wrapOpenAI } = sdk;
const N = Number(values.spans ?? 50_000);
const ROUNDS = Number(values.rounds ?? 5);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number) => x.toFixed(2);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

const CALL = {
  model: "gpt-4o",
  prompt_tokens: 512,
  comp_tokens: 128,
  cached_tokens: 256,
  attributes: { workflow: "bench" },
};

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function recordRound(
  tracer: ReturnType<typeof createTracer>,
  flush: boolean,
): Promise<{ wall: number; cpu: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await tracer.trace("bench", async () => {
    for (let i = 0; i < N; i++) {
      tracer.recordLLMCall(CALL);
      // Let the batch exporter run as it would between requests of a real app.
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
  });
  if (flush) await tracer.flush();
  return { wall: ((performance.now() - t0) * 1000) / N, cpu: ((cpuMs() - c0) * 1000) / N };
}

// A client shaped like openai's: chat.completions.create resolving at once, so only the wrapper's cost shows.
function fakeClient() {
  const body = {
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "gpt-4o",
    choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    usage: {
      prompt_tokens: 512,
      completion_tokens: 128,
      total_tokens: 640,
      prompt_tokens_details: { cached_tokens: 256 },
    },
  };
  return { chat: { completions: { create: async (_b: unknown) => body } } };
}

async function wrappedOverhead(): Promise<number> {
  const mem = new MemoryTransport({ maxSpans: 10_000 });
  const tracer = createTracer({ service: "bench", transport: mem, maxQueueSize: 1_000_000 });
  const raw = fakeClient();
  const wrapped = wrapOpenAI(fakeClient(), { tracer });
  const req = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
  // CPU time, not wall time: on a shared machine the wall clock mostly measures the neighbours.
  const time = async (c: ReturnType<typeof fakeClient>) => {
    const c0 = cpuMs();
    for (let i = 0; i < N; i++) await c.chat.completions.create(req);
    return ((cpuMs() - c0) * 1000) / N;
  };
  const diffs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = await time(raw);
    const b = await time(wrapped);
    await tracer.flush();
    diffs.push(b - a);
  }
  await tracer.shutdown();
  return median(diffs);
}

// The collector runs in a child process so its CPU is not counted as the SDK's.
async function startSink(): Promise<{ url: string; stop(): void }> {
  const code = `const s=require("node:http").createServer((q,r)=>{q.resume();q.on("end",()=>{r.writeHead(202,{"content-type":"application/json"});r.end('{"accepted":1}')})});s.listen(0,"127.0.0.1",()=>console.log(s.address().port));`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function main() {
  console.log(`node ${process.version}, ${values.dist ? "dist" : "src via tsx"}, ${N} spans x ${ROUNDS} rounds`);

  const mem = new MemoryTransport({ maxSpans: 10_000 });
  const memTracer = createTracer({ service: "bench", transport: mem, maxQueueSize: 1_000_000 });
  const memRounds = [];
  for (let r = 0; r < ROUNDS; r++) memRounds.push(await recordRound(memTracer, true));
  await memTracer.shutdown();
  console.log(
    `memory transport, recordLLMCall: ${fmt(median(memRounds.map((x) => x.wall)))} µs/span wall, ` +
      `${fmt(median(memRounds.map((x) => x.cpu)))} µs/span CPU (median)`,
  );

  console.log(`memory transport, wrapped call overhead: ${fmt(await wrappedOverhead())} µs/span CPU (median)`);

  const sink = await startSink();
  const httpTracer = createTracer({
    service: "bench",
    transport: new HttpTransport({ url: sink.url }),
    maxQueueSize: 1_000_000,
  });
  const httpRounds = [];
  for (let r = 0; r < ROUNDS; r++) httpRounds.push(await recordRound(httpTracer, true));
  await httpTracer.shutdown();
  sink.stop();
  console.log(
    `HttpTransport (collector up), record + send: ${fmt(median(httpRounds.map((x) => x.wall)))} µs/span wall, ` +
      `${fmt(median(httpRounds.map((x) => x.cpu)))} µs/span CPU (median)`,
  );

  const port = await freePort();
  const downTracer = createTracer({
    service: "bench",
    transport: new HttpTransport({ url: `http://127.0.0.1:${port}` }),
    onWarning: () => {},
    shutdownTimeoutMs: 100,
  });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const downRounds = [];
  for (let r = 0; r < ROUNDS; r++) downRounds.push(await recordRound(downTracer, false));
  const rss1 = process.memoryUsage().rss;
  const stats = downTracer.stats();
  await downTracer.shutdown();
  console.log(
    `HttpTransport (collector down): ${fmt(median(downRounds.map((x) => x.wall)))} µs/span wall, ` +
      `${fmt(median(downRounds.map((x) => x.cpu)))} µs/span CPU (median); ` +
      `RSS ${mb(rss0)} -> ${mb(rss1)} after ${N * ROUNDS} spans; queued ${stats.queued}, dropped ${stats.dropped}`,
  );
}

await main();
