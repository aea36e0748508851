// Grouping spans (no LLM call) go to POST /v1/traces as OTLP/JSON, calls to POST /spans;
// each request keeps its Idempotency-Key across retries, and a half already accepted is not
// sent again.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createTracer } from "../tracer.js";
import { HttpTransport } from "./http.js";

interface Hit {
  path: string;
  key: string;
  body: unknown;
}

test("a trace with calls: the trace goes to /v1/traces, the calls to /spans; retries reuse each key", async (t) => {
  const hits: Hit[] = [];
  let failOtlpOnce = true;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      hits.push({
        path,
        key: String(req.headers["idempotency-key"]),
        body: JSON.parse(Buffer.concat(chunks).toString()),
      });
      if (path === "/v1/traces" && failOtlpOnce) {
        failOtlpOnce = false;
        res.writeHead(503, { "retry-after": "0" }).end("{}");
        return;
      }
      res.writeHead(path === "/spans" ? 202 : 200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tracer = createTracer({
    service: "svc",
    transport: new HttpTransport({ url }),
    flushIntervalMs: 60_000,
    retry: { initialBackoffMs: 1, maxBackoffMs: 5 },
  });
  let traceId = "";
  await tracer.trace("rag", async (trace) => {
    traceId = trace.traceID();
    trace.setAttributes({ workflow: "qa", n: 3, ok: true, ratio: 0.5 });
    tracer.recordLLMCall({ model: "gpt-4o", prompt_tokens: 5 });
  });
  await tracer.shutdown();

  const otlp = hits.filter((h) => h.path === "/v1/traces");
  const calls = hits.filter((h) => h.path === "/spans");
  assert.equal(otlp.length, 2, "the 503 is retried");
  assert.equal(otlp[0].key, otlp[1].key, "with the same Idempotency-Key");
  assert.equal(calls.length, 1);
  assert.notEqual(calls[0].key, otlp[0].key);
  assert.deepEqual(
    (calls[0].body as Array<{ model: string }>).map((s) => s.model),
    ["gpt-4o"],
  );
  const body = otlp[0].body as {
    resourceSpans: Array<{
      resource: { attributes: unknown[] };
      scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
    }>;
  };
  assert.deepEqual(body.resourceSpans[0].resource.attributes, [{ key: "service.name", value: { stringValue: "svc" } }]);
  const [span] = body.resourceSpans[0].scopeSpans[0].spans;
  assert.equal(span.traceId, traceId.replaceAll("-", ""));
  assert.equal(span.name, "rag");
  assert.equal(span.parentSpanId, undefined);
  assert.deepEqual(span.status, { code: 1 });
  assert.deepEqual(span.attributes, [
    { key: "workflow", value: { stringValue: "qa" } },
    { key: "n", value: { intValue: "3" } },
    { key: "ok", value: { boolValue: true } },
    { key: "ratio", value: { doubleValue: 0.5 } },
  ]);
  assert.ok(BigInt(span.endTimeUnixNano as string) >= BigInt(span.startTimeUnixNano as string));
  assert.equal(tracer.stats().exported, 2);
});
