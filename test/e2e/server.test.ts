// End-to-end over real sockets against `tokentrace serve` run as a child process.
import assert from "node:assert/strict";
import { statfs } from "node:fs/promises";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { assertSeedTrace, SEED_SPAN, SEED_SPAN_ID, SEED_TRACE_ID } from "../../src/span/testing/seed.js";
import { makeTempDir, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

const TRACE = SEED_TRACE_ID;
const MAX_BODY = 200_000;

async function postSpans(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

function expectError(res: { status: number; body: Record<string, unknown> }, status: number, pattern: RegExp) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body), ["error"]);
  assert.match(String(res.body.error), pattern);
}

/**
 * POSTs `totalBytes` of JSON with Transfer-Encoding: chunked (no Content-Length) over a raw
 * socket and returns the status line and body. The server answers 413 with
 * `Connection: close` as soon as the limit is passed, so a late write error is expected noise.
 */
function postChunked(url: string, totalBytes: number): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => {
      received += d;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      const m = /^HTTP\/1\.1 (\d{3}).*?\r\n\r\n(.*)$/s.exec(received);
      if (m === null) reject(new Error(`no HTTP response: ${JSON.stringify(received.slice(0, 200))}`));
      else resolve({ status: Number(m[1]), body: m[2] });
    });
    const span = JSON.stringify(SEED_SPAN);
    let head = `POST /spans HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n`;
    head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    socket.write(head);
    for (let sent = 0, i = 0; sent < totalBytes; i++) {
      const piece = i === 0 ? `[${span}` : `,${span}`;
      socket.write(`${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`);
      sent += piece.length;
    }
    // no end(): a half-closed socket makes the server drop a response it has not written yet
    socket.write("1\r\n]\r\n0\r\n\r\n");
  });
}

describe("tokentrace serve (no auth)", () => {
  let dir: string;
  let server: ServeProcess;
  before(async () => {
    dir = await makeTempDir();
    // The seed's example span is dated 2026-03-15: a long retention keeps it within the time bounds.
    server = await startServe({
      dataDir: dir,
      env: { TOKENTRACE_MAX_BODY_BYTES: String(MAX_BODY), TOKENTRACE_RETENTION: "10y" },
    });
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  test("the seed's example span round-trips through GET /traces/{id} in the seed's shape", async () => {
    const span = { ...SEED_SPAN, trace_id: TRACE, span_id: SEED_SPAN_ID };
    const posted = await postSpans(server.url, JSON.stringify([{ ...span, started_at: "2026-03-15T14:23:01.441Z" }]));
    assert.equal(posted.status, 202);
    assert.deepEqual(posted.body, { accepted: 1 });

    const res = await fetch(`${server.url}/traces/${TRACE}`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get("content-type")), /^application\/json/);
    assertSeedTrace(await res.json(), SEED_SPAN.attributes);

    // the same trace by its 32-hex form, and through search
    const hex = await fetch(`${server.url}/traces/${TRACE.replaceAll("-", "").toUpperCase()}`);
    assert.equal(hex.status, 200);
    const search = (await (await fetch(`${server.url}/traces?attr.workflow=document-summary`)).json()) as {
      traces: { trace_id: string }[];
      has_more: boolean;
    };
    assert.deepEqual(
      search.traces.map((t) => t.trace_id),
      [TRACE],
    );
  });

  test("GET /health reports the duckdb store", async () => {
    const res = await fetch(`${server.url}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.status, "ok");
    assert.equal(body.version, "0.4.0");
    assert.equal(body.transport, "duckdb");
    assert.equal(typeof body.span_count, "number");
    assert.equal(body.queue_depth, 0);
    // the free bytes of the volume holding the DuckDB file, as the OS reports them
    const st = await statfs(dir);
    const free = body.disk_free_bytes as number;
    assert.ok(Number.isSafeInteger(free) && free > 0, String(free));
    assert.ok(Math.abs(free - st.bavail * st.bsize) < 512 * 1024 * 1024, "within the writes between the two reads");
  });

  test("400 for malformed JSON and every kind of invalid span, naming index and field", async () => {
    const ok = { model: "gpt-4o", prompt_tokens: 1 };
    expectError(await postSpans(server.url, "[{"), 400, /^malformed JSON/);
    expectError(await postSpans(server.url, JSON.stringify([ok, { prompt_tokens: 5 }])), 400, /spans\[1\]\.model/);
    expectError(await postSpans(server.url, JSON.stringify([{ model: "gpt-4o" }])), 400, /spans\[0\]\.prompt_tokens/);
    expectError(
      await postSpans(server.url, JSON.stringify([{ model: "gpt-4o", prompt_tokens: "5" }])),
      400,
      /prompt_tokens/,
    );
    expectError(
      await postSpans(server.url, JSON.stringify([{ ...ok, latency_ms: "NaN" }])),
      400,
      /spans\[0\]\.latency_ms/,
    );
    expectError(
      await postSpans(server.url, '[{"model":"gpt-4o","prompt_tokens":1,"cost_usd":1e999}]'),
      400,
      /cost_usd/,
    );
    expectError(
      await postSpans(server.url, JSON.stringify([{ model: "gpt-4o", comp_tokens: -3 }])),
      400,
      /comp_tokens/,
    );
    expectError(await postSpans(server.url, JSON.stringify([{ ...ok, status: "boom" }])), 400, /status/);
  });

  test("404 for unknown routes and traces, in the envelope", async () => {
    const route = await fetch(`${server.url}/nope`);
    assert.equal(route.status, 404);
    assert.deepEqual(await route.json(), { error: "no route for GET /nope" });
    for (const id of ["0af76519-16cd-43dd-8448-eb211c80319c", "not-an-id"]) {
      const res = await fetch(`${server.url}/traces/${id}`);
      assert.equal(res.status, 404);
      assert.match(((await res.json()) as { error: string }).error, /not found/);
    }
  });

  test("400 for bad GET /traces parameters", async () => {
    const res = await fetch(`${server.url}/traces?limit=201`);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /limit/);
  });

  test("413 when the batch exceeds max_batch_size (1000)", async () => {
    const body = JSON.stringify(Array.from({ length: 1001 }, () => ({ model: "m", prompt_tokens: 1 })));
    expectError(await postSpans(server.url, body), 413, /1001 spans.*max_batch_size is 1000/);
  });

  test("413 when the body exceeds max_body_bytes, with Content-Length", async () => {
    const body = JSON.stringify([{ ...SEED_SPAN, name: "x".repeat(MAX_BODY) }]);
    expectError(await postSpans(server.url, body), 413, /max_body_bytes \(200000 bytes\)/);
  });

  test("413 when a chunked body exceeds max_body_bytes", async () => {
    const res = await postChunked(server.url, MAX_BODY + 20_000);
    assert.equal(res.status, 413, res.body);
    assert.match((JSON.parse(res.body) as { error: string }).error, /max_body_bytes/);
    // the same framing under the limit is accepted, so the 413 above is about size
    const small = await postChunked(server.url, 5_000);
    assert.equal(small.status, 202, small.body);
  });

  test("415 for a non-JSON content type", async () => {
    expectError(
      await postSpans(server.url, JSON.stringify([SEED_SPAN]), { "content-type": "text/plain" }),
      415,
      /text\/plain/,
    );
  });
});

describe("tokentrace serve with TOKENTRACE_API_TOKEN", () => {
  const token = "e2e-token-0123456789";
  let server: ServeProcess;
  let dir: string;
  before(async () => {
    dir = await makeTempDir();
    server = await startServe({ dataDir: dir, env: { TOKENTRACE_API_TOKEN: token } });
  });
  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  test("401 with WWW-Authenticate without the right bearer token, on every endpoint", async () => {
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: `Basic ${token}` }] as Record<
      string,
      string
    >[]) {
      for (const path of ["/health", "/traces", "/metrics", "/nope"]) {
        const res = await fetch(`${server.url}${path}`, { headers });
        assert.equal(res.status, 401, `${path} ${JSON.stringify(headers)}`);
        assert.match(String(res.headers.get("www-authenticate")), /^Bearer/);
        assert.deepEqual(Object.keys((await res.json()) as object), ["error"]);
      }
    }
    expectError(await postSpans(server.url, JSON.stringify([SEED_SPAN])), 401, /Authorization/);
  });

  test("the right token is accepted; nothing was ingested without it", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const health = (await (await fetch(`${server.url}/health`, { headers: auth })).json()) as { span_count: number };
    assert.equal(health.span_count, 0);
    const posted = await postSpans(server.url, JSON.stringify([SEED_SPAN]), auth);
    assert.equal(posted.status, 202);
  });
});
