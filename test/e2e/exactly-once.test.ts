// Exactly once by span identity against a real `tokentrace serve` on DuckDB: a POST /spans
// retried without an Idempotency-Key, an OTLP export retried, and `tokentrace import --restart`
// run again (also after the server restarted, its idempotency cache gone) each answer success
// and count the spans as accepted, while the store keeps one copy and metrics count it once.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { makeTempDir, removeDir, runCli, type ServeProcess, startServe } from "./helpers/server.js";

let dir = "";
let server: ServeProcess;

before(async () => {
  dir = await makeTempDir("tokentrace-exactly-once-");
  server = await startServe({ dataDir: dir });
});
after(async () => {
  await server?.stop();
  await removeDir(dir);
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const START = Date.now() - 30 * 60_000;

/** A POST /spans span with its own ids and an exact cost. */
function spanJson(i: number, traceId = hex(16)) {
  const started = START + i * 1000;
  return {
    trace_id: traceId,
    span_id: hex(8),
    name: "chat",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 100,
    comp_tokens: 10,
    cost_usd: 0.5,
    started_at: new Date(started).toISOString(),
    ended_at: new Date(started + 400).toISOString(),
  };
}

async function get(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as Record<string, unknown>;
}

/** Spans stored, and what GET /metrics counts over the last day. */
async function counts(): Promise<{ stored: number; metrics: number; cost: number }> {
  const health = await get("/health");
  const m = await get("/metrics?window=24h");
  return {
    stored: health.span_count as number,
    metrics: m.span_count as number,
    cost: (m.cost as { total_usd: number }).total_usd,
  };
}

async function postSpans(spans: unknown[]): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spans),
  });
  return { status: res.status, body: await res.json() };
}

test("POST /spans sent again: 202 with every span accepted, stored and counted once", async () => {
  const before = await counts();
  const trace = hex(16);
  const spans = [spanJson(1, trace), spanJson(2, trace), spanJson(3)];
  for (let i = 0; i < 3; i++) assert.deepEqual(await postSpans(spans), { status: 202, body: { accepted: 3 } });
  // a batch holding one span twice, and one new span
  assert.deepEqual(await postSpans([spans[0], spans[0], spanJson(4)]), { status: 202, body: { accepted: 3 } });
  const after = await counts();
  assert.deepEqual(after, { stored: before.stored + 4, metrics: before.metrics + 4, cost: before.cost + 2 });
  const t = (await get(`/traces/${trace}`)) as { spans: unknown[] };
  assert.equal(t.spans.length, 2);
});

test("an OTLP export retried: success both times, the span stored and counted once", async () => {
  const before = await counts();
  const nanos = BigInt(START) * 1_000_000n;
  const body = JSON.stringify({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: hex(16),
                spanId: hex(8),
                name: "chat",
                startTimeUnixNano: String(nanos),
                endTimeUnixNano: String(nanos + 1_000_000_000n),
                attributes: [
                  { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                  { key: "gen_ai.usage.input_tokens", value: { intValue: "10" } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
  }
  const after = await counts();
  assert.equal(after.stored, before.stored + 1);
  assert.equal(after.metrics, before.metrics + 1);
});

test("tokentrace import --restart run again, also after a server restart, stores nothing twice", async () => {
  const file = join(dir, "spans.jsonl");
  const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify(spanJson(100 + i)));
  writeFileSync(file, `${lines.join("\n")}\n`);
  const before = await counts();
  const run = async (...extra: string[]) => {
    const r = await runCli(["import", file, "--url", server.url, "--batch-size", "10", "--no-progress", ...extra]);
    assert.equal(r.code, 0, r.stderr);
  };
  await run();
  const once = await counts();
  assert.deepEqual(once, { stored: before.stored + 25, metrics: before.metrics + 25, cost: before.cost + 12.5 });
  await run("--restart");
  assert.deepEqual(await counts(), once);
  await server.stop();
  server = await startServe({ dataDir: dir });
  await run("--restart");
  assert.deepEqual(await counts(), once);
});
