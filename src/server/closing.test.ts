import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { type TestContext, test } from "node:test";
import { makeTestApp, SEED_SPAN, type TestApp } from "./testing/app.js";

/** A listening test app, a hook that resolves once a request is being handled, and one once close() has begun. */
async function listening(
  t: TestContext,
): Promise<{ ta: TestApp; port: number; arrived: Promise<void>; closing: Promise<void> }> {
  const ta = await makeTestApp();
  t.after(() => ta.close());
  let arrived!: () => void;
  const firstArrived = new Promise<void>((r) => {
    arrived = r;
  });
  let closed!: () => void;
  const closing = new Promise<void>((r) => {
    closed = r;
  });
  // registered after the app's own hooks, so they run once those have
  ta.app.addHook("onRequest", async () => arrived());
  ta.app.addHook("preClose", async () => closed());
  await ta.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = ta.app.server.address() as { port: number };
  return { ta, port, arrived: firstArrived, closing };
}

/** A raw connection and everything the server sends on it until the server ends it. */
async function open(t: TestContext, port: number): Promise<{ socket: Socket; received: Promise<string[]> }> {
  const socket = connect(port, "127.0.0.1");
  t.after(() => socket.destroy());
  let raw = "";
  socket.setEncoding("utf8").on("data", (d: string) => {
    raw += d;
  });
  // the test never ends the connection itself: only the server can
  const received = Promise.race([once(socket, "end"), once(socket, "close")]).then(() => raw.split(/(?=HTTP\/1\.1 )/));
  await once(socket, "connect");
  return { socket, received };
}

test("a request in flight when close() begins is answered with Connection: close, then its connection ends", async (t) => {
  const { ta, port, arrived, closing } = await listening(t);
  const { socket, received } = await open(t, port);
  // A POST whose body is still on its way keeps the connection busy through close()...
  const body = JSON.stringify(SEED_SPAN);
  socket.write(
    `POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  await arrived;
  const stopped = ta.app.close();
  await closing;
  // ...then its body and a second, pipelined request arrive after close() has begun.
  socket.write(`${body}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
  const responses = await received;
  await stopped;

  // Left open, the keep-alive connection would hold close() until keep_alive_timeout; the
  // pipelined request is left unanswered, for the client to send again elsewhere.
  assert.equal(responses.length, 1, responses.join(""));
  assert.match(responses[0], /^HTTP\/1\.1 202 /, "the request accepted before close() completes");
  assert.match(responses[0], /\r\nconnection: close\r\n/i);
});

test("a request whose headers arrive once close() has begun gets 503 in the error envelope, with Connection: close", async (t) => {
  const { ta, port, closing } = await listening(t);
  const { socket, received } = await open(t, port);
  // One request, then the start of a second in the same packet: its headers are being
  // read when close() begins, so the connection is not idle and stays open.
  socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n");
  await once(socket, "data");
  const stopped = ta.app.close();
  await closing;
  socket.write("\r\n");
  const responses = await received;
  await stopped;

  assert.equal(responses.length, 2, responses.join(""));
  const [head, second] = responses[1].split("\r\n\r\n");
  assert.match(head, /^HTTP\/1\.1 503 /);
  assert.match(head, /\r\nretry-after: 5\r\n/i);
  assert.match(head, /\r\nconnection: close\r\n/i);
  assert.deepEqual(JSON.parse(second), { error: "the server is shutting down" });
});
