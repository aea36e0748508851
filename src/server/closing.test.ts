import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { test } from "node:test";
import { makeTestApp, SEED_SPAN } from "./testing/app.js";

test("a request that arrives while the server stops gets 503 in the error envelope", async (t) => {
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

  const socket = connect(port, "127.0.0.1");
  t.after(() => socket.destroy());
  let raw = "";
  socket.setEncoding("utf8").on("data", (d: string) => {
    raw += d;
  });
  await once(socket, "connect");
  // A POST whose body is still on its way keeps the connection busy through close()...
  const body = JSON.stringify(SEED_SPAN);
  socket.write(
    `POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  await firstArrived;
  const stopped = ta.app.close();
  await closing;
  // ...then its body and a second, pipelined request arrive after close() has begun.
  socket.write(`${body}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
  await Promise.race([once(socket, "end"), once(socket, "close")]);
  await stopped;

  const responses = raw.split(/(?=HTTP\/1\.1 )/);
  assert.equal(responses.length, 2, raw);
  assert.match(responses[0], /^HTTP\/1\.1 202 /, "the request accepted before close() completes");
  const [head, second] = responses[1].split("\r\n\r\n");
  assert.match(head, /^HTTP\/1\.1 503 /);
  assert.match(head, /\r\nretry-after: 5\r\n/i);
  assert.deepEqual(JSON.parse(second), { error: "the server is shutting down" });
});
