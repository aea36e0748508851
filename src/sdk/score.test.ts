import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { startInProcess } from "../server/in-process.js";
import { startServer } from "../server/listen.js";
import { provideInProcessServer } from "./inprocess.js";
import type { WireScore } from "./score.js";
import { createTracer } from "./tracer.js";
import { ConsoleTransport } from "./transports/console.js";
import { FileTransport } from "./transports/file.js";
import { HttpTransport } from "./transports/http.js";
import { MemoryTransport } from "./transports/memory.js";
import type { Transport } from "./transports/types.js";

provideInProcessServer(async () => startInProcess);

const TRACE = "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c";

test("tracer.score sends the score as POST /scores takes it, with an id of its own; ids normalised", async (t) => {
  const mem = new MemoryTransport();
  const tracer = createTracer({ transport: mem });
  t.after(() => tracer.shutdown());
  tracer.score({
    traceId: TRACE.replaceAll("-", "").toUpperCase(),
    spanId: "A1B2C3D4E5F60718",
    name: "helpfulness",
    value: 0.9,
    comment: "clear",
    source: "human",
  });
  tracer.score({ traceId: TRACE, name: "topic", label: "billing" });
  await tracer.flush();
  const [a, b] = mem.scores();
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(
    { ...a, id: "" },
    {
      id: "",
      trace_id: TRACE,
      span_id: "a1b2c3d4e5f60718",
      name: "helpfulness",
      value: 0.9,
      comment: "clear",
      source: "human",
    },
  );
  assert.deepEqual({ ...b, id: "" }, { id: "", trace_id: TRACE, name: "topic", label: "billing", source: "api" });
  assert.notEqual(a.id, b.id);
});

test("trace.score scores the trace; span.score the span; a string is a label", async (t) => {
  const mem = new MemoryTransport();
  const tracer = createTracer({ transport: mem });
  t.after(() => tracer.shutdown());
  let spanId = "";
  const traceId = await tracer.trace("chat", async (trace) => {
    trace.score("thumbs", true, { comment: "great", source: "human" });
    await trace.span("retrieve", async (span) => {
      spanId = span.ID();
      span.score("relevance", "high", { source: "llm" }).score("recall", 0.5);
    });
    return trace.ID();
  });
  await tracer.flush();
  const got = mem.scores().map(({ id: _, ...rest }) => rest);
  assert.deepEqual(got, [
    { trace_id: traceId, name: "thumbs", value: true, comment: "great", source: "human" },
    { trace_id: traceId, span_id: spanId, name: "relevance", label: "high", source: "llm" },
    { trace_id: traceId, span_id: spanId, name: "recall", value: 0.5, source: "api" },
  ]);
});

test("a score the server would refuse is dropped with a warning naming the field; nothing throws", async (t) => {
  const mem = new MemoryTransport();
  const warnings: string[] = [];
  const tracer = createTracer({ transport: mem, onWarning: (m) => warnings.push(m) });
  t.after(() => tracer.shutdown());
  tracer.score({ traceId: "not-a-trace", name: "n", value: 1 });
  assert.match(warnings[0], /score dropped: traceId: .*\(1 dropped so far\)/);
  // rate-limited: later refusals within the minute are counted, not each reported
  const bad: unknown[] = [
    { traceId: TRACE, name: "has space", value: 1 },
    { traceId: TRACE, name: "n" },
    { traceId: TRACE, name: "n", value: 1, label: "x" },
    { traceId: TRACE, name: "n", value: Number.NaN },
    { traceId: TRACE, name: "n", value: 1, source: "robot" },
    { traceId: TRACE, name: "n", value: 1, comment: "x".repeat(4097) },
    null,
    42,
  ];
  for (const b of bad) tracer.score(b as Parameters<typeof tracer.score>[0]);
  await tracer.trace("t", (trace) => {
    trace.score("", 1);
    trace.score("n", Number.POSITIVE_INFINITY);
  });
  await tracer.flush();
  assert.deepEqual(mem.scores(), []);
  assert.equal(warnings.length, 1);
  // a disabled tracer takes scores too
  const noop = createTracer();
  noop.score({ traceId: TRACE, name: "n", value: 1 });
  await noop.trace("t", (trace) => trace.score("n", 1));
});

test("http transport: scores reach a real server's POST /scores and show on GET /traces/{id}", async (t) => {
  const server = await startServer(testConfig({ addr: "127.0.0.1:0" }));
  t.after(() => server.close());
  const tracer = createTracer({ transport: new HttpTransport({ url: server.url }) });
  t.after(() => tracer.shutdown());
  const traceId = await tracer.trace("answer", (trace) => {
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5 });
    trace.score("thumbs", false);
    return trace.ID();
  });
  tracer.score({ traceId, name: "judge", label: "off-topic", source: "llm" });
  await tracer.flush();
  const res = await fetch(`${server.url}/traces/${traceId}`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { scores: Record<string, unknown>[] };
  assert.deepEqual(body.scores.map((s) => [s.name, s.value, s.label, s.source]).sort(), [
    ["judge", null, "off-topic", "llm"],
    ["thumbs", false, null, "api"],
  ]);
});

test("http transport: scores refused with 503 are retried with the same ids, and sent once accepted", async (t) => {
  const bodies: WireScore[] = [];
  const requests: number[] = [];
  let answers = [503, 503];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      assert.equal(req.url, "/scores");
      const body = JSON.parse(Buffer.concat(chunks).toString()) as WireScore | WireScore[];
      const scores = Array.isArray(body) ? body : [body];
      bodies.push(...scores);
      requests.push(scores.length);
      const status = answers.shift() ?? 201;
      res.writeHead(status, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify(status === 201 ? { score_ids: scores.map((x) => x.id) } : { error: "busy" }));
    });
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  t.after(() => collector.close());
  const url = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  const warnings: string[] = [];
  const tracer = createTracer({
    transport: new HttpTransport({ url }),
    retry: { initialBackoffMs: 1, maxBackoffMs: 1 },
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => tracer.shutdown());
  tracer.score({ traceId: TRACE, name: "a", value: 1 });
  tracer.score({ traceId: TRACE, name: "b", value: 2 });
  await tracer.flush();
  // both in one request: 503, 503, 201
  assert.deepEqual(requests, [2, 2, 2]);
  assert.deepEqual(
    bodies.map((b) => b.name),
    ["a", "b", "a", "b", "a", "b"],
  );
  assert.equal(new Set(bodies.filter((b) => b.name === "a").map((b) => b.id)).size, 1);
  assert.deepEqual(warnings, []);
  // a 400 is not retried: the score is dropped with a warning
  answers = [400];
  tracer.score({ traceId: TRACE, name: "c", value: 3 });
  await tracer.flush();
  assert.equal(bodies.filter((b) => b.name === "c").length, 1);
  assert.match(warnings[0], /1 scores not sent by the http transport to .*HTTP 400 busy/);
});

test("http transport: a server that takes one score per request gets them one by one", async (t) => {
  const got: string[] = [];
  let arrays = 0;
  const old = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as WireScore | WireScore[];
      res.writeHead(Array.isArray(body) ? 400 : 201, { "content-type": "application/json" });
      if (Array.isArray(body)) {
        arrays++;
        res.end(JSON.stringify({ error: "body: must be a JSON object" }));
      } else {
        got.push(body.name);
        res.end(JSON.stringify({ score_id: body.id }));
      }
    });
  });
  await new Promise<void>((r) => old.listen(0, "127.0.0.1", r));
  t.after(() => old.close());
  const warnings: string[] = [];
  const tracer = createTracer({
    transport: new HttpTransport({ url: `http://127.0.0.1:${(old.address() as AddressInfo).port}` }),
    onWarning: (m) => warnings.push(m),
  });
  t.after(() => tracer.shutdown());
  for (const name of ["a", "b", "c"]) tracer.score({ traceId: TRACE, name, value: 1 });
  await tracer.flush();
  for (const name of ["d", "e"]) tracer.score({ traceId: TRACE, name, value: 1 });
  await tracer.flush();
  assert.deepEqual(got, ["a", "b", "c", "d", "e"]);
  assert.equal(arrays, 1, "asked once, then one by one");
  assert.equal(warnings.length, 0, warnings.join("\n"));
});

test("file transport writes scores to their own JSON-lines file beside the spans", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-scores-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const tracer = createTracer({ transport: new FileTransport({ path: join(dir, "spans.jsonl") }) });
  await tracer.trace("t", (trace) => {
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1, comp_tokens: 1 });
    trace.score("thumbs", true);
  });
  await tracer.shutdown();
  const spans = (await readFile(join(dir, "spans.jsonl"), "utf8")).trim().split("\n");
  const scores = (await readFile(join(dir, "spans.scores.jsonl"), "utf8")).trim().split("\n");
  assert.equal(spans.length, 1);
  assert.equal(JSON.parse(spans[0]).model, "gpt-4o");
  assert.equal(scores.length, 1);
  const s = JSON.parse(scores[0]) as WireScore;
  assert.deepEqual([s.name, s.value, s.trace_id], ["thumbs", true, JSON.parse(spans[0]).trace_id]);
});

test("console transport prints a line per score", async () => {
  let out = "";
  const tracer = createTracer({ transport: new ConsoleTransport({ stream: { write: (c: string) => (out += c) } }) });
  tracer.score({ traceId: TRACE, spanId: "a1b2c3d4e5f60718", name: "judge", label: "ok", comment: "fine" });
  await tracer.shutdown();
  assert.equal(out, `[tokentrace] score judge=ok (api) trace=${TRACE} span=a1b2c3d4e5f60718 "fine"\n`);
});

test("in-process server: scores go to its store and show in GET /scores", async (t) => {
  const tracer = createTracer({ httpServer: { addr: "127.0.0.1:0" } });
  t.after(() => tracer.shutdown());
  const url = await tracer.serverUrl();
  tracer.score({ traceId: TRACE, name: "thumbs", value: true, source: "human" });
  await tracer.flush();
  const body = (await (await fetch(`${url}/scores`)).json()) as { scores: Record<string, unknown>[] };
  assert.deepEqual(
    body.scores.map((s) => [s.trace_id, s.name, s.value, s.source]),
    [[TRACE, "thumbs", true, "human"]],
  );
});

test("a transport without exportScores: scores are dropped with one warning, spans still go", async (t) => {
  const sent: unknown[] = [];
  const bare: Transport = {
    name: "custom",
    export: async (spans) => {
      sent.push(...spans);
      return { kind: "success" };
    },
  };
  const warnings: string[] = [];
  const tracer = createTracer({ transport: bare, onWarning: (m) => warnings.push(m) });
  t.after(() => tracer.shutdown());
  await tracer.trace("t", (trace) => {
    trace.recordLLMCall({ model: "gpt-4o", prompt_tokens: 1, comp_tokens: 1 });
    trace.score("a", 1);
    trace.score("b", 2);
  });
  await tracer.flush();
  assert.equal(sent.length, 1);
  assert.match(warnings[0], /custom transport cannot send scores/);
});
