import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createPricer } from "../../pricing/index.js";
import { parseSpans } from "../../span/normalize.js";
import { parseRetryAfter } from "../../util/retry.js";
import { createTracer } from "../tracer.js";
import { HttpTransport } from "./http.js";
import { spansEndpoint } from "./post.js";

interface Received {
  key: string;
  auth: string | undefined;
  spans: Array<Record<string, unknown>>;
}

// A collector that answers from a script, then 202; it stores by Idempotency-Key like the server.
/** Runs a scripted reply and reports it as handled. */
function answer(_res: ServerResponse, reply: () => void): boolean {
  reply();
  return true;
}

let url = "";
let script: Array<(res: ServerResponse, n: number) => boolean> = [];
const received: Received[] = [];
const stored = new Map<string, number>();
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const spans = JSON.parse(Buffer.concat(chunks).toString()) as Array<Record<string, unknown>>;
    const key = String(req.headers["idempotency-key"]);
    received.push({ key, auth: req.headers.authorization, spans });
    const step = script.shift();
    if (step?.(res, spans.length)) return;
    if (!stored.has(key)) stored.set(key, spans.length);
    res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted: spans.length }));
  });
});

before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

function reset() {
  script = [];
  received.length = 0;
  stored.clear();
}

function tracerWith(t: HttpTransport) {
  return createTracer({
    service: "svc",
    transport: t,
    flushIntervalMs: 60_000,
    maxQueueSize: 10_000,
    retry: { initialBackoffMs: 1, maxBackoffMs: 5 },
    onWarning: () => {},
  });
}

function record(tracer: ReturnType<typeof createTracer>, n: number) {
  for (let i = 0; i < n; i++)
    tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: i + 1, comp_tokens: 1, attributes: { i } });
}

describe("HttpTransport", () => {
  test("batches up to maxBatchSize, bearer token, bodies POST /spans accepts", async () => {
    reset();
    const tracer = tracerWith(new HttpTransport({ url, token: "s3cret", maxBatchSize: 1000 }));
    record(tracer, 2500);
    await tracer.flush();
    assert.deepEqual(
      received.map((r) => r.spans.length),
      [1000, 1000, 500],
    );
    assert.ok(received.every((r) => r.auth === "Bearer s3cret"));
    assert.equal(new Set(received.map((r) => r.key)).size, 3);
    const parsed = parseSpans(received[0].spans, {
      now: Date.now(),
      qualityKey: "eval.score",
      price: createPricer({}),
    });
    assert.equal(parsed[0].caller, "svc");
    assert.equal(tracer.stats().exported, 2500);
    await tracer.shutdown();
  });

  test("429/503 are retried with the same Idempotency-Key; stored exactly once", async () => {
    reset();
    script = [
      (res) => answer(res, () => res.writeHead(429, { "retry-after": "0" }).end('{"error":"slow down"}')),
      (res) => answer(res, () => res.writeHead(503).end()),
    ];
    const tracer = tracerWith(new HttpTransport({ url }));
    record(tracer, 3);
    await tracer.flush();
    assert.equal(received.length, 3);
    assert.equal(new Set(received.map((r) => r.key)).size, 1);
    assert.deepEqual([...stored.values()], [3]);
    assert.deepEqual(tracer.stats(), { recorded: 3, exported: 3, dropped: 0, failed: 0, queued: 0 });
    await tracer.shutdown();
  });

  test("a lost response: the retry carries the same key, so the server does not store twice", async () => {
    reset();
    script = [(res) => answer(res, () => res.destroy())];
    const tracer = tracerWith(new HttpTransport({ url }));
    record(tracer, 2);
    await tracer.flush();
    assert.equal(received.length, 2);
    assert.equal(received[0].key, received[1].key);
    await tracer.shutdown();
  });

  test("413 splits the batch and lowers the batch size; every span arrives once", async () => {
    reset();
    const tooBig = (res: ServerResponse, n: number) =>
      n > 300 && answer(res, () => res.writeHead(413).end('{"error":"too many"}'));
    script = Array.from({ length: 20 }, () => tooBig);
    const t = new HttpTransport({ url });
    const tracer = tracerWith(t);
    record(tracer, 1000);
    await tracer.flush();
    const got = received.filter((r) => r.spans.length <= 300).flatMap((r) => r.spans.map((s) => s.attributes));
    assert.equal(got.length, 1000);
    assert.equal(new Set(got.map((a) => (a as { i: number }).i)).size, 1000);
    assert.equal(t.maxBatchSize, 250);
    assert.equal(tracer.stats().exported, 1000);
    await tracer.shutdown();
  });

  test("400 is a failure: counted, reported, not retried", async () => {
    reset();
    script = [(res) => answer(res, () => res.writeHead(400).end('{"error":"spans[0].model: required"}'))];
    const warnings: string[] = [];
    const tracer = createTracer({ transport: new HttpTransport({ url }), onWarning: (m) => warnings.push(m) });
    record(tracer, 2);
    await tracer.flush();
    assert.equal(received.length, 1);
    assert.equal(tracer.stats().failed, 2);
    assert.match(warnings.join("\n"), /HTTP 400 spans\[0\]\.model: required/);
    await tracer.shutdown();
  });

  test("helpers: endpoint URL and Retry-After forms", () => {
    assert.equal(spansEndpoint("http://h:9090"), "http://h:9090/spans");
    assert.equal(spansEndpoint("http://h:9090/base/"), "http://h:9090/base/spans");
    assert.equal(spansEndpoint("http://h:9090/spans"), "http://h:9090/spans");
    assert.equal(parseRetryAfter("3", 0), 3000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000), 6000);
    assert.equal(parseRetryAfter("soon", 0), null);
    assert.equal(parseRetryAfter(null, 0), null);
  });
});
