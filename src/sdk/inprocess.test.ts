import assert from "node:assert/strict";
import { test } from "node:test";
import { startInProcess } from "../server/in-process.js";
import { inProcessConfig, provideInProcessServer } from "./inprocess.js";
import { createTracer } from "./tracer.js";
import { FileTransport } from "./transports/file.js";
import { MemoryTransport } from "./transports/memory.js";

// The package entry does this; the test imports the SDK files directly.
provideInProcessServer(async () => startInProcess);

test("inProcessConfig: memory store unless one is given; tracer settings carried over", () => {
  const c = inProcessConfig({
    service: "svc",
    httpServer: { addr: "127.0.0.1:0", auth_token: "t", max_batch_size: 10 },
    pricing: { overrides: { m: { input_per_mtok: 1, output_per_mtok: 2 } } },
    scoreAttribute: "quality",
  });
  assert.equal(c.storage.driver, "memory");
  assert.equal(c.http_server.addr, "127.0.0.1:0");
  assert.equal(c.http_server.auth_token, "t");
  assert.equal(c.http_server.max_batch_size, 10);
  assert.equal(c.quality.score_attribute, "quality");
  assert.equal(c.service, "svc");
  assert.deepEqual(c.pricing.overrides.m, { input_per_mtok: 1, output_per_mtok: 2 });
});

test("httpServer serves the HTTP API over the tracer's own spans; /health names the transport", async (t) => {
  const mem = new MemoryTransport();
  const tracer = createTracer({ service: "app", transport: mem, httpServer: { addr: "127.0.0.1:0" } });
  t.after(() => tracer.shutdown());
  const url = await tracer.serverUrl();
  assert.ok(url !== null, "server started");
  const id = await tracer.trace("summarize-document", async (trace) => {
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 512, comp_tokens: 128, attributes: { "eval.score": 0.87 } });
    return trace.ID();
  });
  await tracer.flush();
  const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
  assert.equal(health.status, "ok");
  assert.equal(health.transport, "memory");
  assert.equal(health.span_count, 1);
  const res = await fetch(`${url}/traces/${id}`);
  assert.equal(res.status, 200);
  const trace = (await res.json()) as {
    name: string;
    total_tokens: number;
    spans: Array<{ cost_usd: number; caller: string }>;
  };
  assert.equal(trace.name, "summarize-document");
  assert.equal(trace.total_tokens, 640);
  assert.equal(trace.spans[0].cost_usd, 0.00256);
  assert.equal(mem.spans().length, 1); // the configured transport still gets every span

  // Other services can post to it like to a standalone server.
  const post = await fetch(`${url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", prompt_tokens: 10 }),
  });
  assert.equal(post.status, 202);

  await tracer.shutdown();
  await assert.rejects(fetch(`${url}/health`));
});

test("/health reports the transport in use (file); a bad addr is reported, never thrown", async (t) => {
  const warnings: string[] = [];
  const tracer = createTracer({
    transport: new FileTransport({ path: "/dev/null" }),
    httpServer: { addr: "127.0.0.1:0" },
  });
  t.after(() => tracer.shutdown());
  const url = await tracer.serverUrl();
  const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
  assert.equal(health.transport, "file");

  const bad = createTracer({
    transport: new MemoryTransport(),
    httpServer: { addr: "nonsense" },
    onWarning: (m) => warnings.push(m),
  });
  assert.equal(await bad.serverUrl(), null);
  assert.match(warnings.join("\n"), /in-process HTTP server did not start/);
  bad.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1 });
  await bad.shutdown();
});
