import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { DEFAULT_CONFIG } from "../config/types.js";
import { createFakeStore } from "../store/testing/fake-store.js";
import { startServer } from "./listen.js";
import { makeTestApp, SEED_SPAN } from "./testing/app.js";

const TOKEN = "keep-alive-token";

test("timeouts default to 30s request, 10s headers, 72s keep-alive, and the server uses them", async () => {
  const { request_timeout_ms, headers_timeout_ms, keep_alive_timeout_ms } = DEFAULT_CONFIG.http_server;
  assert.deepEqual([request_timeout_ms, headers_timeout_ms, keep_alive_timeout_ms], [30_000, 10_000, 72_000]);
  const t = await makeTestApp();
  try {
    await t.app.ready();
    assert.equal(t.app.server.requestTimeout, 30_000);
    assert.equal(t.app.server.headersTimeout, 10_000);
    assert.equal(t.app.server.keepAliveTimeout, 72_000);
  } finally {
    await t.close();
  }
});

/**
 * Opens a raw connection, writes `head`, then writes `drip` every 200 ms for as long as
 * the connection lasts; resolves with everything the server sent once it closes. Only the
 * server's deadline ends this.
 */
async function trickle(port: number, head: string, drip: string): Promise<string> {
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("utf8");
  socket.on("data", (d: string) => {
    answer += d;
  });
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.write(head);
  const timer = setInterval(() => socket.writable && socket.write(drip), 200);
  await closed;
  clearInterval(timer);
  return answer;
}

test("no request timeout (finding): a body trickled a byte at a time is cut with 408 and the connection closed", async (t) => {
  const config = testConfig({ request_timeout_ms: 1000, headers_timeout_ms: 1000 });
  const server = await startServer(config, { store: createFakeStore() });
  t.after(() => server.close());
  const head = "POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
  const answer = await trickle(server.port, head, " ");
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.match(answer, /connection: close/i);
  const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { error: string };
  assert.match(body.error, /http_server\.request_timeout \(1s\)/);
});

test("headers that never finish are cut with 408 too", async (t) => {
  const config = testConfig({ request_timeout_ms: 2000, headers_timeout_ms: 1000 });
  const server = await startServer(config, { store: createFakeStore() });
  t.after(() => server.close());
  const answer = await trickle(server.port, "GET /health HTTP/1.1\r\nHost: x\r\n", "X-A: b\r\n");
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.match(answer, /http_server\.headers_timeout \(1s\)/);
});

/**
 * A raw connection whose request the server is already handling: `head` must draw a first
 * answer (a 100 Continue, or the response to a first pipelined request). `drip()` then
 * writes `text` every 200 ms until the server ends the connection; `closed` resolves then.
 */
async function handling(port: number, head: string): Promise<{ drip(text: string): void; closed: Promise<void> }> {
  const socket = connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) =>
    socket.on("close", () => {
      clearInterval(timer);
      resolve();
    }),
  );
  socket.write(head);
  await new Promise((resolve) => socket.once("data", resolve));
  return {
    drip(text) {
      timer = setInterval(() => socket.writable && socket.write(text), 200);
    },
    closed,
  };
}

test("stopping: a client trickling a body or its headers holds close() for at most request_timeout, on both listeners", {
  timeout: 60_000,
}, async () => {
  const config = testConfig({ request_timeout_ms: 1000, headers_timeout_ms: 1000 }, { otlp: { addr: "127.0.0.1:0" } });
  const server = await startServer(config, { store: createFakeStore() });
  const otlpPort = Number(new URL(server.otlpUrl ?? "").port);
  const body = await handling(
    server.port,
    "POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
  );
  const otlpBody = await handling(
    otlpPort,
    "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
  );
  // a first request answered, then the headers of a second being read: not idle
  const headers = await handling(server.port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\n");
  // once close() has begun Node no longer cuts any of them with a 408
  const closed = server.close();
  body.drip(" ");
  otlpBody.drip(" ");
  headers.drip("X-A: b\r\n");
  await closed;
  await Promise.all([body.closed, otlpBody.closed, headers.closed]);
});

interface Answer {
  status: number;
  port: number;
  reused: boolean;
}

function send(
  agent: Agent,
  base: string,
  o: { method?: string; path: string; token?: string; body?: string | Buffer; chunked?: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined && !o.chunked) headers["content-length"] = String(Buffer.byteLength(o.body));
    const req = request(`${base}${o.path}`, { method: o.method ?? "GET", agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, port: req.socket?.localPort ?? 0, reused: req.reusedSocket }),
      );
    });
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

test("keep-alive reset after 4xx (finding): one socket carries 400, 401, 404, 413 and successes in turn", async (t) => {
  const config = testConfig({ auth_token: TOKEN, max_body_bytes: 4096, max_batch_size: 2 });
  const server = await startServer(config, { store: createFakeStore() });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(async () => {
    agent.destroy();
    await server.close();
  });
  let sockets = 0;
  const created = agent.createConnection.bind(agent);
  agent.createConnection = (...args: Parameters<Agent["createConnection"]>) => {
    sockets++;
    return created(...args);
  };
  const span = JSON.stringify([SEED_SPAN]);
  // over max_body_bytes, within what the server reads and drops to keep the connection
  const big = `[${" ".repeat(6 * 1024)}]`;
  const steps: [string, Parameters<typeof send>[2], number][] = [
    ["health", { path: "/health", token: TOKEN }, 200],
    ["no token", { path: "/metrics" }, 401],
    ["wrong token with a body", { method: "POST", path: "/spans", token: "nope", body: span }, 401],
    ["ingest", { method: "POST", path: "/spans", token: TOKEN, body: span }, 202],
    ["bad json", { method: "POST", path: "/spans", token: TOKEN, body: "[{" }, 400],
    ["unknown path", { path: "/nowhere", token: TOKEN }, 404],
    ["body over max_body_bytes", { method: "POST", path: "/spans", token: TOKEN, body: big }, 413],
    [
      "chunked body over max_body_bytes",
      { method: "POST", path: "/spans", token: TOKEN, body: big, chunked: true },
      413,
    ],
    [
      "batch over max_batch_size",
      { method: "POST", path: "/spans", token: TOKEN, body: `[${span},${span},${span}]` },
      413,
    ],
    ["OTLP body over max_body_bytes", { method: "POST", path: "/v1/traces", token: TOKEN, body: big }, 413],
    ["OTLP", { method: "POST", path: "/v1/traces", token: TOKEN, body: '{"resourceSpans":[]}' }, 200],
    ["ingest again", { method: "POST", path: "/spans", token: TOKEN, body: span }, 202],
    ["traces", { path: "/traces?limit=5", token: TOKEN }, 200],
  ];
  const seen: string[] = [];
  for (const [name, o, want] of steps) {
    const a = await send(agent, server.url, o).catch((e: Error) => {
      throw new Error(`${name}: ${e.message} after ${seen.join(", ")}`);
    });
    seen.push(`${name}: ${a.status}${a.reused ? "" : " (new connection)"}`);
    assert.equal(a.status, want, `${name}: ${seen.join(", ")}`);
  }
  assert.equal(sockets, 1, `every request went over one connection (${seen.join(", ")})`);
});
