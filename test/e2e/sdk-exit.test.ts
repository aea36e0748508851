// An app using the SDK exits by itself when its work is done, even with the collector down
// and spans still queued (timers are unref'ed, the exit flush is bounded), and the SDK never
// throws into it. What is queued when the app ends on its own is sent, with no code from
// the app, by every transport.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { answerAnyCall } from "../../src/sdk/testing/any-call.js";
import { startFakeProvider } from "../../src/sdk/testing/fake-provider.js";
import { makeTempDir, REPO_ROOT, removeDir, startServe } from "./helpers/server.js";

const TSX = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
const ENTRY = pathToFileURL(join(REPO_ROOT, "src", "index.ts")).href;

function runApp(code: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX, "--input-type=module", "-e", code], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    // A hung app is the failure this test looks for; 120 s is far beyond a normal exit, even on a loaded machine.
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (c) => {
      clearTimeout(guard);
      resolve({ code: c, out });
    });
  });
}

test("an app exits normally with the collector down and spans queued", async () => {
  const r = await runApp(`
    import { createTracer, HttpTransport } from ${JSON.stringify(ENTRY)};
    const tracer = createTracer({ service: "app", transport: new HttpTransport({ url: "http://127.0.0.1:9" }), onWarning: () => {} });
    await tracer.trace("job", async (t) => { for (let i = 0; i < 100; i++) t.recordLLMCall({ model: "gpt-4o", prompt_tokens: i }); });
    for (let i = 0; i < 100; i++) tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: i });
    console.log("done", tracer.stats().recorded);
  `);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /done 200/); // the trace's first call is the trace span, 99 more inside it, 100 outside
});

test("shutdown() with the collector down returns within its timeout and reports the drops", async () => {
  const r = await runApp(`
    import { createTracer, HttpTransport } from ${JSON.stringify(ENTRY)};
    const tracer = createTracer({ transport: new HttpTransport({ url: "http://127.0.0.1:9" }), shutdownTimeoutMs: 300, onWarning: (m) => console.log("warn:", m) });
    for (let i = 0; i < 10; i++) tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: i });
    await tracer.shutdown();
    console.log("stats", JSON.stringify(tracer.stats()));
  `);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /"dropped":10/);
  assert.match(
    r.out,
    /warn: tokentrace: 10 spans not sent by the http transport to http:\/\/127\.0\.0\.1:9\/spans before the shutdown deadline were dropped/,
  );
});

async function health(url: string): Promise<number> {
  return ((await (await fetch(`${url}/health`)).json()) as { span_count: number }).span_count;
}

test("a script that ends on its own sends what is queued (HTTP), without shutdown()", async (t) => {
  const dir = await makeTempDir();
  const server = await startServe({ dataDir: dir, readyTimeoutMs: 120_000 });
  t.after(async () => {
    await server.kill("SIGKILL");
    await removeDir(dir);
  });
  const r = await runApp(`
    import { createTracer, HttpTransport } from ${JSON.stringify(ENTRY)};
    const tracer = createTracer({ service: "script", transport: new HttpTransport({ url: ${JSON.stringify(server.url)} }) });
    const id = await tracer.trace("job", async (trace) => {
      for (let i = 0; i < 3; i++) tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10, comp_tokens: i });
      return trace.ID();
    });
    console.log("trace", id);
  `);
  assert.equal(r.code, 0, r.out);
  const id = /trace (\S+)/.exec(r.out)?.[1];
  assert.equal(await health(server.url), 4, "three calls and the trace around them");
  const trace = (await (await fetch(`${server.url}/traces/${id}`)).json()) as { span_count: number; name: string };
  assert.equal(trace.span_count, 4);
  assert.equal(trace.name, "job");
});

test("a tracer not kept in a variable still sends: wrapped Anthropic client, script ends", async (t) => {
  const dir = await makeTempDir();
  const server = await startServe({ dataDir: dir, readyTimeoutMs: 120_000 });
  const fake = await startFakeProvider({ fallback: answerAnyCall });
  t.after(async () => {
    await server.kill("SIGKILL");
    await fake.close();
    await removeDir(dir);
  });
  const r = await runApp(
    `
    import Anthropic from "@anthropic-ai/sdk";
    import { createTracer, HttpTransport, wrapAnthropic } from ${JSON.stringify(ENTRY)};
    createTracer({ service: "chat-api", transport: new HttpTransport({ url: ${JSON.stringify(server.url)} }) });
    const anthropic = wrapAnthropic(new Anthropic());
    globalThis.gc?.();
    await anthropic.messages.create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "Hello" }] });
  `,
    { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: "sk-ant-test" },
  );
  assert.equal(r.code, 0, r.out);
  assert.equal(fake.requests.length, 1);
  const list = (await (await fetch(`${server.url}/traces?caller=chat-api`)).json()) as {
    traces: Array<{ spans: Array<{ model: string; prompt_tokens: number }> }>;
  };
  assert.equal(list.traces.length, 1);
  assert.equal(list.traces[0].spans[0].model, "claude-sonnet-4-6");
  assert.equal(list.traces[0].spans[0].prompt_tokens, 24);
});

test("file and console transports write everything queued when the script ends", async (t) => {
  const dir = await makeTempDir();
  t.after(() => removeDir(dir));
  const file = join(dir, "spans.jsonl");
  const r = await runApp(`
    import { ConsoleTransport, createTracer, FileTransport } from ${JSON.stringify(ENTRY)};
    const file = createTracer({ transport: new FileTransport({ path: ${JSON.stringify(file)} }) });
    for (let i = 0; i < 5000; i++) file.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: i });
    const cons = createTracer({ transport: new ConsoleTransport({ stream: process.stdout }) });
    for (let i = 0; i < 3; i++) cons.recordLLMCall({ name: "line" + i, model: "gpt-4o", prompt_tokens: 1 });
  `);
  assert.equal(r.code, 0, r.out);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  assert.equal(lines.length, 5000);
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { prompt_tokens: number }).prompt_tokens),
    Array.from({ length: 5000 }, (_, i) => i),
  );
  assert.deepEqual(r.out.match(/\[tokentrace\] line\d/g), [
    "[tokentrace] line0",
    "[tokentrace] line1",
    "[tokentrace] line2",
  ]);
});
