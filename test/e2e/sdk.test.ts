// The SDK against a real `tokentrace serve`: a wrapped OpenAI client (pointed at a local
// fake provider) records spans through HttpTransport. With the server down the app's calls
// still succeed, the queue stays bounded and drops are counted; when the server is back on
// the same address, the queued spans arrive exactly once.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import OpenAI from "openai";
import { createTracer, HttpTransport, wrapOpenAI } from "../../src/index.js";
import { type FakeProvider, json, startFakeProvider } from "../../src/sdk/testing/fake-provider.js";
import { chatCompletion } from "../../src/sdk/testing/openai-bodies.js";
import { makeTempDir, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface TraceBody {
  trace_id: string;
  span_count: number;
  total_cost_usd: number;
  spans: Array<{
    span_id: string;
    model: string | null;
    prompt_tokens: number;
    cost_usd: number | null;
    status: string;
    caller: string;
  }>;
}

async function getTrace(url: string, id: string): Promise<TraceBody> {
  const res = await fetch(`${url}/traces/${id}`);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as TraceBody;
}

test("HttpTransport against tokentrace serve: outage, bounded queue, exactly-once delivery", async (t) => {
  const dir = await makeTempDir();
  const fake: FakeProvider = await startFakeProvider();
  let server: ServeProcess | null = null;
  const warnings: string[] = [];
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const tracer = createTracer({
    service: "e2e-app",
    transport: new HttpTransport({ url: `http://${addr}`, timeoutMs: 2000 }),
    maxQueueSize: 40,
    maxBatchSize: 25,
    flushIntervalMs: 50,
    retry: { initialBackoffMs: 20, maxBackoffMs: 200 },
    // flush() returns once everything is sent; the long deadline only matters on a loaded machine.
    shutdownTimeoutMs: 30_000,
    onWarning: (m) => warnings.push(m),
  });
  t.after(async () => {
    await tracer.shutdown();
    await server?.kill("SIGKILL");
    await fake.close();
    await removeDir(dir);
  });
  const openai = wrapOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "sk-test", maxRetries: 0 }));
  const call = async () => {
    fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o", { prompt: 2006, completion: 300, cached: 1920 })));
    const r = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    assert.equal(r.choices[0].message.content, "Hello! How can I assist you today?");
  };

  // 1. Server up: spans arrive with tokens and cost.
  server = await startServe({ dataDir: dir, addr });
  const upTrace = await tracer.trace("up", async (trace) => {
    for (let i = 0; i < 5; i++) await call();
    return trace.ID();
  });
  await tracer.flush();
  const up = await getTrace(server.url, upTrace);
  assert.equal(up.span_count, 6, "five calls and the trace around them");
  const upCalls = up.spans.filter((s) => s.model !== null);
  assert.equal(upCalls.length, 5);
  assert.ok(upCalls.every((s) => s.prompt_tokens === 2006 && s.cost_usd === 0.005615 && s.caller === "e2e-app"));

  // 2. Server down: every app call still succeeds; the queue holds at most 40 (+ one batch in flight).
  await server.stop();
  server = null;
  const downTrace = await tracer.trace("down", async (trace) => {
    for (let i = 0; i < 150; i++) await call();
    return trace.ID();
  });
  const during = tracer.stats();
  assert.equal(during.recorded, 157, "155 calls and 2 traces");
  assert.ok(during.queued <= 40, `queued ${during.queued}`);
  assert.ok(during.dropped >= 150 - 40 - 25, `dropped ${during.dropped}`);
  assert.match(
    warnings.join("\n"),
    /queue full \(40\): the http transport to http:\/\/127\.0\.0\.1:\d+\/spans is not keeping up; dropping spans/,
  );

  // 3. Server back on the same address: what was kept arrives, once.
  server = await startServe({ dataDir: dir, addr });
  await tracer.flush();
  const after = tracer.stats();
  assert.equal(after.queued, 0);
  assert.equal(after.exported + after.dropped + after.failed, 157);
  const down = await getTrace(server.url, downTrace);
  const ids = down.spans.map((s) => s.span_id);
  assert.equal(new Set(ids).size, ids.length, "no span stored twice");
  assert.equal(ids.length, after.exported - 6);
  assert.ok(ids.length >= 40);
  const health = (await (await fetch(`${server.url}/health`)).json()) as { span_count: number };
  assert.equal(health.span_count, after.exported);
});

test("parents come from the context: trace('rag') > span('retrieve') > call, listed under 'rag'", async (t) => {
  const dir = await makeTempDir();
  const server = await startServe({ dataDir: dir, readyTimeoutMs: 120_000 });
  const fake = await startFakeProvider();
  const tracer = createTracer({ service: "rag-app", transport: new HttpTransport({ url: server.url }) });
  t.after(async () => {
    await tracer.shutdown();
    await server.kill("SIGKILL");
    await fake.close();
    await removeDir(dir);
  });
  const openai = wrapOpenAI(new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: "sk-test", maxRetries: 0 }));
  fake.next((_r, res) => json(res, 200, chatCompletion("gpt-4o-mini", { prompt: 40, completion: 2 })));
  const id = await tracer.trace("rag", async (trace) => {
    await tracer.span("retrieve", async (span) => {
      span.recordLLMCall({ model: "text-embedding-3-small", prompt_tokens: 12 });
      await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "rerank" }] });
    });
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 500, comp_tokens: 80 });
    return trace.ID();
  });
  await tracer.flush();
  const body = (await (await fetch(`${server.url}/traces/${id}`)).json()) as {
    name: string;
    spans: Array<{ span_id: string; parent_span_id: string | null; name: string; model: string | null }>;
  };
  assert.equal(body.name, "rag");
  const byModel = new Map(body.spans.map((s) => [s.model, s]));
  const rag = byModel.get("gpt-4o");
  const retrieve = byModel.get("text-embedding-3-small");
  const call = byModel.get("gpt-4o-mini");
  assert.ok(rag && retrieve && call, JSON.stringify(body.spans));
  assert.equal(rag.name, "rag");
  assert.equal(rag.parent_span_id, null);
  assert.equal(retrieve.parent_span_id, rag.span_id);
  assert.equal(call.parent_span_id, retrieve.span_id);
  const list = (await (await fetch(`${server.url}/traces?caller=rag-app`)).json()) as {
    traces: Array<{ trace_id: string; name: string }>;
  };
  assert.deepEqual(
    list.traces.map((x) => [x.trace_id, x.name]),
    [[id, "rag"]],
  );
});

test("trace('rag') with no LLM data of its own is stored (through /v1/traces) as the root; metrics count only calls", async (t) => {
  const dir = await makeTempDir();
  const server = await startServe({ dataDir: dir, readyTimeoutMs: 120_000 });
  const tracer = createTracer({ service: "rag-app", transport: new HttpTransport({ url: server.url }) });
  t.after(async () => {
    await tracer.shutdown();
    await server.kill("SIGKILL");
    await removeDir(dir);
  });
  const id = await tracer.trace("rag", async (trace) => {
    trace.setAttributes({ workflow: "qa" });
    await tracer.span("retrieve", async (span) => {
      span.recordLLMCall({ model: "text-embedding-3-small", prompt_tokens: 12 });
    });
    await tracer.span("generate", async () => {
      tracer.recordLLMCall({ name: "answer", model: "gpt-4o", prompt_tokens: 500, comp_tokens: 80 });
    });
    return trace.ID();
  });
  await tracer.flush();
  const body = (await (await fetch(`${server.url}/traces/${id}`)).json()) as {
    name: string;
    span_count: number;
    total_cost_usd: number;
    spans: Array<{
      span_id: string;
      parent_span_id: string | null;
      name: string;
      model: string | null;
      attributes: Record<string, unknown>;
    }>;
  };
  assert.equal(body.name, "rag");
  assert.equal(body.span_count, 4);
  const byName = new Map(body.spans.map((s) => [s.name, s]));
  const rag = byName.get("rag");
  const generate = byName.get("generate");
  assert.ok(rag && generate, JSON.stringify(body.spans));
  assert.equal(rag.parent_span_id, null);
  assert.equal(rag.model, null);
  assert.equal(rag.attributes.workflow, "qa");
  assert.equal(byName.get("retrieve")?.parent_span_id, rag.span_id);
  assert.equal(generate.parent_span_id, rag.span_id);
  assert.equal(byName.get("answer")?.parent_span_id, generate.span_id);
  // 500 * 2.5 + 80 * 10 = 2050 µ$, plus 12 * 0.02 = 0.24 µ$ of embedding
  assert.equal(body.total_cost_usd, 0.00205024);
  const list = (await (await fetch(`${server.url}/traces?caller=rag-app`)).json()) as {
    traces: Array<{ trace_id: string; name: string }>;
  };
  assert.deepEqual(
    list.traces.map((x) => [x.trace_id, x.name]),
    [[id, "rag"]],
  );
  const metrics = (await (await fetch(`${server.url}/metrics?window=1h`)).json()) as {
    span_count: number;
    cost: { total_usd: number };
  };
  assert.equal(metrics.span_count, 2, "grouping spans are not LLM calls");
  assert.equal(metrics.cost.total_usd, 0.00205024);
  assert.equal(tracer.stats().failed, 0);
});

test("a trace's session and user reach the server on every span, over POST /spans and /v1/traces", async (t) => {
  const dir = await makeTempDir();
  const server = await startServe({ dataDir: dir, readyTimeoutMs: 120_000 });
  const tracer = createTracer({ service: "chat-app", transport: new HttpTransport({ url: server.url }) });
  t.after(async () => {
    await tracer.shutdown();
    await server.kill("SIGKILL");
    await removeDir(dir);
  });
  const id = await tracer.trace(
    "turn",
    async (trace) => {
      await tracer.span("moderate", (span) => span.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 20 }));
      trace.setUser("user-1042"); // after "moderate" ended: it is still queued, so it carries it
      trace.recordLLMCall({ name: "answer", model: "gpt-4o", prompt_tokens: 500, comp_tokens: 80 });
      await tracer.span("tools", async () => {}); // a grouping span: sent over /v1/traces
      return trace.ID();
    },
    { sessionId: "conv-77" },
  );
  await tracer.flush();
  const body = (await (await fetch(`${server.url}/traces/${id}`)).json()) as {
    spans: Array<{ name: string; session_id: string | null; user_id: string | null; attributes: object }>;
  };
  assert.deepEqual(body.spans.map((s) => [s.name, s.session_id, s.user_id, s.attributes]).sort(), [
    ["answer", "conv-77", "user-1042", {}],
    ["moderate", "conv-77", "user-1042", {}],
    ["tools", "conv-77", "user-1042", {}],
  ]);
  const cost = (await (await fetch(`${server.url}/metrics/total_cost?window=1h&groupby=user_id`)).json()) as {
    by_user_id: Record<string, number>;
  };
  // 500 * 2.5 + 80 * 10 = 2050 µ$, plus 20 * 0.15 = 3 µ$
  assert.deepEqual(cost.by_user_id, { "user-1042": 0.002053 });
});
