// A 202 from POST /spans means committed: SIGKILL the server while concurrent batches are
// in flight, restart it on the same data directory, and find every acknowledged span.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type TestContext, test } from "node:test";
import { tempServeDir } from "./helpers/server.js";

const CLIENTS = 6;
const BATCH = 100;
const KILL_AFTER_ACKS = 60;

function batch(traceId: string): string {
  return JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => ({
      trace_id: traceId,
      span_id: randomUUID(),
      name: `step-${i}`,
      model: i % 2 === 0 ? "gpt-4o" : "claude-haiku-4-5",
      prompt_tokens: 100 + i,
      comp_tokens: 20,
      latency_ms: 300 + i,
      caller: "crash-test",
      attributes: { i, "eval.score": 0.5 },
    })),
  );
}

async function ackedSurvive(t: TestContext, signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  const { start } = await tempServeDir(t);

  const first = await start();
  const acked: string[] = [];
  let failures = 0;
  let stopped: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null = null;

  async function client(): Promise<void> {
    // Each client posts back to back until the server goes away under it.
    for (;;) {
      const traceId = randomUUID();
      try {
        const res = await fetch(`${first.url}/spans`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: batch(traceId),
        });
        await res.text();
        if (res.status === 202) acked.push(traceId);
        else failures++;
      } catch {
        return; // connection reset or refused: the server is gone
      }
      if (acked.length >= KILL_AFTER_ACKS && stopped === null) stopped = first.kill(signal);
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const exit = await stopped;
  if (signal === "SIGKILL") assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
  else assert.deepEqual(exit, { code: 0, signal: null }, first.output());
  assert.ok(acked.length >= KILL_AFTER_ACKS);

  const server = await start();
  let spansChecked = 0;
  for (const traceId of acked) {
    const res: Response = await fetch(`${server.url}/traces/${traceId}`);
    assert.equal(res.status, 200, `acknowledged trace ${traceId} is missing after ${signal}`);
    const body = (await res.json()) as { span_count: number; spans: { caller: string }[] };
    assert.equal(body.span_count, BATCH, `trace ${traceId} lost spans`);
    spansChecked += body.spans.filter((s) => s.caller === "crash-test").length;
  }
  assert.equal(spansChecked, acked.length * BATCH);
  const message = `${signal}: checked ${acked.length} acknowledged batches (${spansChecked} spans) after restart; ${failures} non-202 answers`;
  t.diagnostic(message);
  console.log(message);
}

test("every span acknowledged with 202 survives a SIGKILL mid-stream", (t) => ackedSurvive(t, "SIGKILL"));

test("SIGTERM mid-stream: requests in flight finish, the process exits 0, every 202 is kept", (t) =>
  ackedSurvive(t, "SIGTERM"));
