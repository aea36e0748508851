// Timers are unref'ed: an app using the SDK exits by itself when its work is done, even
// with the collector down and spans still queued, and the SDK never throws into it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./helpers/server.js";

const TSX = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
const ENTRY = pathToFileURL(join(REPO_ROOT, "src", "index.ts")).href;

function runApp(code: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX, "--input-type=module", "-e", code], { cwd: REPO_ROOT });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    // A hung app is the failure this test looks for; 20 s is far beyond a normal exit.
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
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
  assert.match(r.out, /warn: tokentrace: 10 spans not sent before the shutdown deadline were dropped/);
});
