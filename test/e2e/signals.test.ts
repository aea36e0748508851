// A second SIGTERM/SIGINT right after the first must exit at once with code 1 (docs/cli.md)
// on the DuckDB store. It used to abort the process (exit 134, "terminate called after
// throwing an instance of 'Napi::Error'") whenever the store worker was inside a DuckDB call,
// such as the checkpoint of the first signal's clean stop: so each round writes spans first.
// It runs the compiled CLI, as users do (see helpers/built.ts).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type BuiltCli, buildCli } from "./helpers/built.js";
import { makeTempDir, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

const ROUNDS = 4;

function spans(round: number, n: number): unknown[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    trace_id: `${round.toString(16).padStart(2, "0")}${i.toString(16).padStart(30, "0")}`,
    span_id: `${round.toString(16).padStart(2, "0")}${i.toString(16).padStart(14, "0")}`,
    name: "chat",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 100,
    comp_tokens: 20,
    latency_ms: 300,
    started_at: new Date(now - 1000).toISOString(),
    ended_at: new Date(now - 700).toISOString(),
  }));
}

function exited(s: ServeProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const c = s.child;
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve({ code: c.exitCode, signal: c.signalCode });
  return new Promise((resolve) => c.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("serve: a second signal with no gap (DuckDB store)", () => {
  const dirs: string[] = [];
  const running: ServeProcess[] = [];
  let built: BuiltCli;
  before(async () => {
    built = await buildCli();
  });
  after(async () => {
    for (const s of running) await s.kill("SIGKILL");
    for (const d of dirs) await removeDir(d);
    await built?.remove();
  });

  test(`SIGTERM and SIGINT back to back exit 1 without a native crash (${ROUNDS} rounds)`, async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    let acknowledged = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const server = await startServe({ dataDir: dir, cli: built.main });
      running.push(server);
      const res = await fetch(`${server.url}/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spans(round, 1000)),
      });
      assert.equal(res.status, 202, await res.text());
      acknowledged += 1000;

      const [first, second]: NodeJS.Signals[] = round % 2 === 0 ? ["SIGTERM", "SIGINT"] : ["SIGINT", "SIGTERM"];
      server.child.kill(first);
      server.child.kill(second);
      const ended = await exited(server);
      const out = server.output();
      assert.doesNotMatch(out, /Napi::Error|terminate called/, out);
      assert.deepEqual(ended, { code: 1, signal: null }, out);
      // both signals are pending at once: the kernel may hand them over in either order
      assert.match(out, /(SIGTERM|SIGINT) again, exiting without waiting/, out);
    }

    // the exits lost nothing that was acknowledged (a 202 comes after the commit)
    const server = await startServe({ dataDir: dir, cli: built.main });
    running.push(server);
    const health = (await (await fetch(`${server.url}/health`)).json()) as { span_count: number };
    assert.equal(health.span_count, acknowledged);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });
});
