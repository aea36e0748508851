// Rollups stay equal to a scan of the spans through a SIGKILL mid-ingest and through a
// `tokentrace rollups rebuild` killed midway and run again.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { pathToFileURL } from "node:url";
import { DuckDbStore } from "../../src/store/duckdb/index.js";
import { summarizeDuckdb } from "../../src/store/duckdb/summarize.js";
import type { SummaryQuery } from "../../src/store/store.js";
import {
  makeTempDir,
  REPO_ROOT,
  removeDir,
  type ServeProcess,
  startServe,
  storageFile,
  writeConfig,
} from "./helpers/server.js";

const HOUR = 3_600_000;
const DIMENSIONS = { names: ["workflow"], maxValues: 3 };
const CONFIG = "metrics:\n  dimensions: [workflow]\n  max_dimension_values: 3\n";

// Spans over the last 3 days, so day and hour rollups and ragged edges all take part.
function batch(now: number, seq: number): string {
  return JSON.stringify(
    Array.from({ length: 100 }, (_, i) => {
      const start = now - (((seq * 100 + i) * 2_654_435_761) % (3 * 24 * HOUR));
      return {
        trace_id: randomUUID(),
        span_id: randomUUID(),
        name: "call",
        model: ["gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash"][i % 3],
        prompt_tokens: 100 + i,
        comp_tokens: 20 + (seq % 7),
        latency_ms: 200 + ((i * 37) % 900),
        status: i % 17 === 0 ? "error" : "ok",
        caller: `svc-${seq % 4}`,
        started_at: new Date(start).toISOString(),
        ended_at: new Date(start + 900).toISOString(),
        attributes: { workflow: `wf-${(seq + i) % 6}`, "eval.score": (i % 10) / 10 },
      };
    }),
  );
}

/** Every read the rollups answer, compared with the same query scanning spans. */
async function assertRollupsEqualScan(path: string, label: string): Promise<void> {
  const store = await DuckDbStore.open(path, { dimensions: DIMENSIONS, rebuild: "none" });
  try {
    const now = Date.now();
    const queries: SummaryQuery[] = [
      { from: now - 4 * 24 * HOUR, to: now + 1, filter: {} },
      { from: now - 4 * 24 * HOUR, to: now + 1, filter: {}, groupBy: { column: "model" }, exactLimit: 10 },
      { from: now - 30 * HOUR + 12_345, to: now - HOUR, filter: { caller: "svc-1" }, stepMs: 6 * HOUR },
    ];
    for (const q of queries) {
      const scan = await summarizeDuckdb(store, q);
      const rolled = await store.summarize(q);
      assert.equal(rolled.length, scan.length, `${label}: ${JSON.stringify(q)}`);
      for (const [i, r] of rolled.entries()) {
        for (const k of [
          "span_count",
          "cost_usd",
          "prompt_tokens",
          "comp_tokens",
          "error_count",
          "scored_count",
        ] as const) {
          assert.equal(r[k], scan[i][k], `${label}: ${k} of ${JSON.stringify(q)}`);
        }
      }
    }
  } finally {
    await store.close();
  }
}

async function ingestAndKill(t: TestContext, dir: string, config: string): Promise<void> {
  let server: ServeProcess | null = await startServe({ dataDir: dir, args: ["--config", config] });
  t.after(() => server?.kill("SIGKILL"));
  const first = server;
  const now = Date.now();
  let acked = 0;
  let seq = 0;
  let killed: Promise<unknown> | null = null;
  const client = async () => {
    for (;;) {
      try {
        const res = await fetch(`${first.url}/spans`, {
          method: "POST",
          body: batch(now, seq++),
          headers: { "content-type": "application/json" },
        });
        await res.text();
        if (res.status === 202) acked++;
      } catch {
        return;
      }
      if (acked >= 40 && killed === null) killed = first.kill("SIGKILL");
    }
  };
  await Promise.all([client(), client(), client(), client()]);
  await killed;
  server = null;
}

test("SIGKILL mid-ingest, then a rebuild killed midway and resumed: rollups equal a scan", async (t) => {
  const dir = await makeTempDir();
  t.after(() => removeDir(dir));
  const config = await writeConfig(dir, CONFIG);
  await ingestAndKill(t, dir, config);
  await assertRollupsEqualScan(storageFile(dir), "after SIGKILL mid-ingest");

  // A rebuild killed after its first days resumes from the day it reached.
  const cli = join(REPO_ROOT, "src", "cli", "main.ts");
  const tsx = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const rebuild = () =>
    spawn(process.execPath, ["--import", tsx, cli, "rollups", "rebuild", "--config", config], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", TOKENTRACE_STORAGE_PATH: storageFile(dir) },
      stdio: ["ignore", "pipe", "pipe"],
    });
  const first = rebuild();
  let err = "";
  await new Promise<void>((resolve) => {
    first.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      // Two days done: kill it in the middle of the third.
      if (/rebuilt 2\//.test(err)) first.kill("SIGKILL");
    });
    first.once("exit", () => resolve());
  });
  assert.match(err, /rebuilt 2\//, err);
  const second = rebuild();
  let out = "";
  second.stdout.on("data", (d: Buffer) => (out += d.toString()));
  second.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
  assert.equal(code, 0, out);
  assert.doesNotMatch(out, /rebuilt 1\//, "the second run resumed instead of starting over");
  await assertRollupsEqualScan(storageFile(dir), "after a resumed rebuild");
});
