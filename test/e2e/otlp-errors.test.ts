// Every response of POST /v1/traces other than a plain success, over real HTTP: OTLP/HTTP
// says which status each case gets and that the body (a google.rpc.Status or an
// ExportTraceServiceResponse) comes back in the request's encoding.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import protobuf from "protobufjs";
import { testConfig } from "../../src/config/testing/config.js";
import { ApiError } from "../../src/errors.js";
import { encodeExportRequest } from "../../src/otlp/proto.js";
import { buildApp, type RunningServer, startServer } from "../../src/server/index.js";
import { createRuntime } from "../../src/server/runtime.js";
import { createFakeStore, type FakeStore } from "../../src/store/testing/fake-store.js";

const LIMIT = 64 * 1024;
const TOKEN = "t0ken";
const PB = "application/x-protobuf";
const JSON_TYPE = "application/json";

// The two response messages, declared here from the OTLP and google.rpc field numbers so the
// test reads the server's bytes independently of the server's own descriptor.
const responses = protobuf.parse(`
  syntax = "proto3";
  message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
  message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
  message Status { int32 code = 1; string message = 2; }
`).root;
const ExportResponse = responses.lookupType("ExportTraceServiceResponse");
const RpcStatus = responses.lookupType("Status");

let server: RunningServer;
let store: FakeStore;

before(async () => {
  store = createFakeStore();
  server = await startServer(testConfig({ auth_token: TOKEN, max_body_bytes: LIMIT }), { store });
});
after(async () => {
  await server?.close();
});

async function post(body: Uint8Array | string, headers: Record<string, string>, query = "") {
  const res = await fetch(`${server.url}/v1/traces${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === "string" ? body : Buffer.from(body),
  });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

function json(bytes: Uint8Array): Record<string, unknown> {
  return JSON.parse(Buffer.from(bytes).toString("utf8"));
}

// An hour ago: spans must start within the retention and at most ingest.max_future ahead.
const START_MS = Date.now() - 3_600_000;
const NANOS = BigInt(START_MS) * 1_000_000n;

function jsonSpan(spanId: string, extra: Record<string, unknown> = {}) {
  return {
    traceId: "5b8efff798038103d269b633813fc60c",
    spanId,
    name: "chat",
    startTimeUnixNano: String(NANOS),
    endTimeUnixNano: String(NANOS + 1_000_000_000n),
    attributes: [
      { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
      { key: "gen_ai.usage.input_tokens", value: { intValue: "10" } },
    ],
    ...extra,
  };
}

function jsonBody(spans: unknown[]) {
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

function pbBody(spans: Record<string, unknown>[]) {
  return encodeExportRequest({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

function pbSpan(spanId: string, extra: Record<string, unknown> = {}) {
  return {
    traceId: Buffer.from("5b8efff798038103d269b633813fc60c", "hex"),
    spanId: Buffer.from(spanId, "hex"),
    name: "chat",
    startTimeUnixNano: String(NANOS),
    endTimeUnixNano: String(NANOS + 1_000_000_000n),
    attributes: [{ key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } }],
    ...extra,
  };
}

describe("200", () => {
  test("a fully accepted JSON request answers an empty ExportTraceServiceResponse", async () => {
    const r = await post(jsonBody([jsonSpan("0000000000000001")]), { "content-type": JSON_TYPE });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(json(r.bytes), {});
  });

  test("partialSuccess counts and explains the rejected spans (JSON)", async () => {
    const before = store.spans.length;
    const r = await post(
      jsonBody([
        jsonSpan("0000000000000002"),
        jsonSpan("0000000000000003", { traceId: "" }),
        jsonSpan("0000000000000004", { endTimeUnixNano: "1" }),
        jsonSpan("0000000000000005", {
          attributes: [
            { key: "gen_ai.usage.input_tokens", value: { intValue: "-3" } },
            { key: "gen_ai.request.model", value: { stringValue: "m" } },
          ],
        }),
      ]),
      { "content-type": JSON_TYPE },
    );
    assert.equal(r.status, 200);
    const body = json(r.bytes) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, "3");
    assert.match(body.partialSuccess.errorMessage, /^3 of 4 spans rejected: spans\[1\]: traceId must be 16 bytes/);
    assert.match(
      body.partialSuccess.errorMessage,
      /spans\[2\]: endTimeUnixNano is before startTimeUnixNano \(spanId 0000000000000004\)/,
    );
    assert.match(
      body.partialSuccess.errorMessage,
      /spans\[3\]: attribute gen_ai.usage.input_tokens: must be an integer >= 0/,
    );
    assert.equal(store.spans.length, before + 1, "the good span is stored");
  });

  test("spans dated far ahead or before the retention are rejected in partialSuccess, the rest stored", async () => {
    const before = store.spans.length;
    const day = 86_400_000_000_000n;
    const r = await post(
      jsonBody([
        jsonSpan("0000000000000012", { startTimeUnixNano: String(NANOS + day), endTimeUnixNano: String(NANOS + day) }),
        jsonSpan("0000000000000013"),
        jsonSpan("0000000000000014", {
          startTimeUnixNano: String(NANOS - 31n * day),
          endTimeUnixNano: String(NANOS - 31n * day),
        }),
      ]),
      { "content-type": JSON_TYPE },
    );
    assert.equal(r.status, 200);
    const body = json(r.bytes) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, "2");
    assert.match(
      body.partialSuccess.errorMessage,
      /spans\[0\]\.started_at: more than ingest\.max_future \(1h\) ahead of the server's clock \(spanId 0000000000000012\)/,
    );
    assert.match(
      body.partialSuccess.errorMessage,
      /spans\[2\]\.started_at: older than the retention \(30d\) by the server's clock \(spanId 0000000000000014\)/,
    );
    assert.equal(store.spans.length, before + 1, "the span in range is stored");
  });

  test("partialSuccess in protobuf for a protobuf request", async () => {
    const r = await post(
      pbBody([pbSpan("0000000000000006"), pbSpan("0000000000000007", { spanId: Buffer.alloc(3) })]),
      {
        "content-type": PB,
      },
    );
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), PB);
    const msg = ExportResponse.toObject(ExportResponse.decode(r.bytes), { longs: Number });
    assert.equal(msg.partialSuccess.rejectedSpans, 1);
    assert.match(msg.partialSuccess.errorMessage, /spans\[1\]: spanId must be 8 bytes/);
  });

  test("?dry_run=true answers the spans as they would be stored and stores nothing", async () => {
    const before = store.spans.length;
    const r = await post(pbBody([pbSpan("00000000000000aa")]), { "content-type": PB }, "?dry_run=true");
    assert.equal(r.status, 200);
    const body = json(r.bytes) as { spans: Record<string, unknown>[] };
    assert.equal(body.spans.length, 1);
    assert.deepEqual(
      [
        body.spans[0].trace_id,
        body.spans[0].span_id,
        body.spans[0].model,
        body.spans[0].provider,
        body.spans[0].started_at,
      ],
      [
        "5b8efff7-9803-8103-d269-b633813fc60c",
        "00000000000000aa",
        "gpt-4o",
        "openai",
        new Date(START_MS).toISOString(),
      ],
    );
    assert.equal(store.spans.length, before);
  });
});

describe("Idempotency-Key", () => {
  test("a retried request with the same key is answered 200 and not stored again, in either encoding", async () => {
    const before = store.spans.length;
    const jsonHeaders = { "content-type": JSON_TYPE, "idempotency-key": "otlp-retry-1" };
    const body = jsonBody([jsonSpan("00000000000000a1"), jsonSpan("00000000000000a2", { traceId: "" })]);
    const first = await post(body, jsonHeaders);
    assert.equal(first.status, 200);
    assert.equal(
      (json(first.bytes) as { partialSuccess: { rejectedSpans: string } }).partialSuccess.rejectedSpans,
      "1",
    );
    const again = await post(body, jsonHeaders);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(json(again.bytes), {});
    assert.equal(store.spans.length, before + 1);

    const pbHeaders = { "content-type": PB, "idempotency-key": "otlp-retry-2" };
    const pb = pbBody([pbSpan("00000000000000a3")]);
    assert.equal((await post(pb, pbHeaders)).status, 200);
    const replay = await post(pb, pbHeaders);
    assert.equal(replay.status, 200);
    assert.deepEqual(ExportResponse.toObject(ExportResponse.decode(replay.bytes)), {});
    assert.equal(store.spans.length, before + 2);
  });

  test("a malformed key is a 400 naming the header", async () => {
    const r = await post(jsonBody([jsonSpan("00000000000000a4")]), {
      "content-type": JSON_TYPE,
      "idempotency-key": "has space",
    });
    assert.equal(r.status, 400);
    assert.match(String(json(r.bytes).error), /Idempotency-Key/);
  });
});

describe("400 for an undecodable body, in the request's encoding", () => {
  test("malformed JSON", async () => {
    const r = await post('{"resourceSpans": [', { "content-type": JSON_TYPE });
    assert.equal(r.status, 400);
    const body = json(r.bytes);
    assert.equal(body.code, 3); // INVALID_ARGUMENT
    assert.match(String(body.message), /^undecodable OTLP JSON body/);
    assert.equal(body.error, body.message);
  });

  test("wrong JSON types name the field", async () => {
    const cases: [unknown, RegExp][] = [
      [{ resourceSpans: "all of them" }, /resourceSpans: expected an array/],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ startTimeUnixNano: true }] }] }] },
        /spans\[0\]\.startTimeUnixNano: expected an integer/,
      ],
      [
        { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: "k", value: { intValue: "ten" } }] }] }] }] },
        /attributes\[0\]\.value\.intValue/,
      ],
      [{ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 7 }] }] }] }, /spans\[0\]\.spanId: expected a hex string/],
    ];
    for (const [body, message] of cases) {
      const r = await post(JSON.stringify(body), { "content-type": JSON_TYPE });
      assert.equal(r.status, 400);
      assert.match(String(json(r.bytes).message), message);
    }
  });

  test("a truncated protobuf answers a protobuf google.rpc.Status", async () => {
    const whole = pbBody([pbSpan("0000000000000008")]);
    const r = await post(whole.subarray(0, whole.length - 5), { "content-type": PB });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get("content-type"), PB);
    const status = RpcStatus.toObject(RpcStatus.decode(r.bytes));
    assert.equal(status.code, 3);
    assert.match(status.message, /^undecodable OTLP protobuf body/);
  });

  test("a body that claims gzip but is not", async () => {
    const r = await post("plain text", { "content-type": JSON_TYPE, "content-encoding": "gzip" });
    assert.equal(r.status, 400);
    assert.match(String(json(r.bytes).message), /gzip body could not be decompressed/);
  });

  test("a dry_run value that is not a boolean", async () => {
    const r = await post(jsonBody([]), { "content-type": JSON_TYPE }, "?dry_run=maybe");
    assert.equal(r.status, 400);
    assert.match(String(json(r.bytes).message), /dry_run: expected true or false/);
  });
});

describe("413 above max_body_bytes, measured after decompression", () => {
  test("a plain body over the limit", async () => {
    const r = await post("x".repeat(LIMIT + 1), { "content-type": JSON_TYPE });
    assert.equal(r.status, 413);
    assert.equal(json(r.bytes).code, 8); // RESOURCE_EXHAUSTED
  });

  test("a small gzip body that inflates past the limit (a gzip bomb)", async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < LIMIT, "the compressed body itself is within the limit");
    const r = await post(bomb, { "content-type": PB, "content-encoding": "gzip" });
    assert.equal(r.status, 413);
    assert.equal(r.headers.get("content-type"), PB);
    assert.match(
      RpcStatus.toObject(RpcStatus.decode(r.bytes)).message,
      /after gzip decompression exceeds max_body_bytes/,
    );
  });

  test("a gzip body that inflates to within the limit is accepted", async () => {
    const r = await post(gzipSync(jsonBody([jsonSpan("0000000000000009")])), {
      "content-type": JSON_TYPE,
      "content-encoding": "gzip",
    });
    assert.equal(r.status, 200);
  });
});

describe("413 above http_server.max_batch_size (OTLP ignored max_batch_size)", () => {
  test("more spans than the cap in one request is refused naming the cap, in either encoding", async () => {
    const small = createFakeStore();
    const capped = await startServer(testConfig({ max_batch_size: 3 }), { store: small });
    try {
      const send = (body: Uint8Array | string, type: string) =>
        fetch(`${capped.url}/v1/traces`, {
          method: "POST",
          headers: { "content-type": type },
          body: typeof body === "string" ? body : Buffer.from(body),
        });
      const ids = ["00000000000000a1", "00000000000000a2", "00000000000000a3", "00000000000000a4"];
      const pb = await send(pbBody(ids.map((id) => pbSpan(id))), PB);
      assert.equal(pb.status, 413);
      const status = RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await pb.arrayBuffer())));
      assert.equal(status.code, 8); // RESOURCE_EXHAUSTED
      assert.equal(status.message, "4 spans in one request; http_server.max_batch_size is 3");
      const js = await send(jsonBody(ids.map((id) => jsonSpan(id))), JSON_TYPE);
      assert.equal(js.status, 413);
      assert.match(String((await js.json()).error), /http_server\.max_batch_size is 3/);
      assert.equal(small.spans.length, 0, "nothing of either request was stored");
      const ok = await send(pbBody(ids.slice(0, 3).map((id) => pbSpan(id))), PB);
      assert.equal(ok.status, 200, "exactly the cap is accepted");
      assert.equal(small.spans.length, 3);
    } finally {
      await capped.close();
    }
  });
});

describe("415 and 401 use the server's error envelope", () => {
  test("another content type", async () => {
    const r = await post("resourceSpans", { "content-type": "text/plain" });
    assert.equal(r.status, 415);
    assert.match(
      String(json(r.bytes).error),
      /Content-Type "text\/plain" is not supported; send application\/x-protobuf or application\/json/,
    );
  });

  test("another content encoding", async () => {
    const r = await post("{}", { "content-type": JSON_TYPE, "content-encoding": "br" });
    assert.equal(r.status, 415);
    assert.match(String(json(r.bytes).error), /Content-Encoding "br" is not supported/);
  });

  test("no bearer token", async () => {
    const res = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": JSON_TYPE },
      body: "{}",
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: "missing Authorization: Bearer <token> header" });
  });
});

describe("503 with Retry-After", () => {
  test("503 when the store cannot commit, in the request's encoding", async () => {
    store.failWith = "disk full";
    try {
      const r = await post(pbBody([pbSpan("000000000000000a")]), { "content-type": PB });
      assert.equal(r.status, 503);
      assert.ok(Number(r.headers.get("retry-after")) > 0);
      const status = RpcStatus.toObject(RpcStatus.decode(r.bytes));
      assert.equal(status.code, 14); // UNAVAILABLE
      assert.match(status.message, /could not commit the spans/);
      assert.doesNotMatch(status.message, /disk full/, "the cause is logged, not sent");
    } finally {
      store.failWith = null;
    }
  });

  test("OTLP ignored the queue cap: a full ingest queue answers 503 + Retry-After before the body is read or the spans converted", async () => {
    // The real ingestor only refuses past 100,000 queued spans; an ingestor that is full now
    // shows what the route does with that answer.
    const runtime = await createRuntime(testConfig(), { store: createFakeStore() });
    let submitted = 0;
    const full = {
      ...runtime,
      ingest: {
        queueDepth: 100_000,
        drain: async () => undefined,
        admit: () => {
          throw new ApiError("overloaded", "100000 spans are waiting to commit", { "Retry-After": "2" });
        },
        arrive: () => {
          throw new ApiError("overloaded", "100000 spans are waiting to commit", { "Retry-After": "2" });
        },
        submit: async () => {
          submitted++;
        },
      },
    };
    const app = await buildApp(full);
    try {
      const r = await app.inject({
        method: "POST",
        url: "/v1/traces",
        headers: { "content-type": JSON_TYPE },
        payload: jsonBody([jsonSpan("000000000000000b")]),
      });
      assert.equal(r.statusCode, 503);
      assert.equal(r.headers["retry-after"], "2");
      assert.deepEqual(r.json(), {
        code: 14, // UNAVAILABLE
        message: "100000 spans are waiting to commit",
        error: "100000 spans are waiting to commit",
      });
      const spans = await app.inject({
        method: "POST",
        url: "/spans",
        headers: { "content-type": JSON_TYPE },
        payload: [{ model: "gpt-4o", prompt_tokens: 1 }],
      });
      assert.equal(spans.statusCode, 503);
      assert.equal(spans.headers["retry-after"], "2");
      assert.deepEqual(spans.json(), { error: "100000 spans are waiting to commit" });
      assert.equal(submitted, 0, "refused before submit");
      // Refused before the body is read: a body that would not even parse gets the 503, not a 400.
      for (const [url, type] of [
        ["/spans", JSON_TYPE],
        ["/v1/traces", JSON_TYPE],
        ["/v1/traces", PB],
      ]) {
        const r = await app.inject({ method: "POST", url, headers: { "content-type": type }, payload: "{not a body" });
        assert.equal(r.statusCode, 503, `${url} ${type}`);
        assert.equal(r.headers["retry-after"], "2");
      }
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
