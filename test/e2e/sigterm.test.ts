// SIGTERM while clients hold keep-alive connections open: the server answers what it is
// handling with `Connection: close`, refuses what arrives later with 503, ends every
// connection itself and exits 0, whatever the clients do with their connections. It used
// to wait for them: a connection whose request finished after SIGTERM stayed open,
// keep-alive, until the client dropped it or keep_alive_timeout (72 s) passed. A client
// still sending its request holds the stop for at most request_timeout: Node stops applying
// that timeout once the server closes, and a body trickled a byte at a time held it for good.
import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { type TestContext, test } from "node:test";
import { tempServeDir } from "./helpers/server.js";

interface Response {
  head: string;
  body: string;
}

/** A connection the test holds open (it never ends one itself), read one response at a time. */
interface Held {
  write(text: string): void;
  /** The next complete response (a 100 Continue counts as one). */
  next(): Promise<Response>;
  /** Resolves when the server ends the connection. */
  ended: Promise<unknown>;
}

async function hold(t: TestContext, port: number): Promise<Held> {
  const socket: Socket = connect(port, "127.0.0.1");
  t.after(() => socket.destroy());
  let raw = "";
  let wake = () => {};
  socket.setEncoding("utf8").on("data", (d: string) => {
    raw += d;
    wake();
  });
  const ended = Promise.race([once(socket, "end"), once(socket, "close")]);
  await once(socket, "connect");

  // Responses here are ASCII, so a character counts as a byte of Content-Length.
  function take(): Response | null {
    const end = raw.indexOf("\r\n\r\n");
    if (end < 0) return null;
    const head = raw.slice(0, end);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
    if (raw.length < end + 4 + length) return null;
    const body = raw.slice(end + 4, end + 4 + length);
    raw = raw.slice(end + 4 + length);
    return { head, body };
  }
  return {
    write: (text) => socket.write(text),
    ended,
    async next() {
      for (;;) {
        const res = take();
        if (res !== null) return res;
        const more = new Promise<void>((r) => {
          wake = r;
        });
        await Promise.race([
          more,
          ended.then(() => assert.fail(`connection ended with ${JSON.stringify(raw)} unread`)),
        ]);
      }
    },
  };
}

const TRACE_ID = "5b8efff798038103d269b633813fc60c";

test("SIGTERM: in-flight requests finish with Connection: close, late ones get 503, and the server exits 0 while clients still hold their connections", async (t) => {
  const { start } = await tempServeDir(t);
  const first = await start();

  // idle: a keep-alive connection with its request answered. The server closes it when it
  // starts to stop, which tells the test that the stop has begun.
  const idle = await hold(t, first.port);
  idle.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.match((await idle.next()).head, /^HTTP\/1\.1 200 /);

  // late: one request, then the start of a second in the same packet; the second's headers
  // are being read when the stop begins, and end after it.
  const late = await hold(t, first.port);
  late.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n");
  assert.match((await late.next()).head, /^HTTP\/1\.1 200 /);

  // inFlight: a POST the server is handling (it answered 100 Continue) whose body comes
  // only after SIGTERM.
  const span = { trace_id: TRACE_ID, span_id: "eee19b7ec3c1b174", name: "chat", model: "gpt-4o", prompt_tokens: 10 };
  const body = JSON.stringify([span]);
  const inFlight = await hold(t, first.port);
  inFlight.write(
    `POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
  );
  assert.match((await inFlight.next()).head, /^HTTP\/1\.1 100 /);

  const exited = once(first.child, "exit");
  first.child.kill("SIGTERM");
  await idle.ended;

  inFlight.write(body);
  const accepted = await inFlight.next();
  assert.match(accepted.head, /^HTTP\/1\.1 202 /, accepted.body);
  assert.match(accepted.head, /\r\nconnection: close/i);
  await inFlight.ended;

  late.write("\r\n");
  const refused = await late.next();
  assert.match(refused.head, /^HTTP\/1\.1 503 /);
  assert.match(refused.head, /\r\nretry-after: 5/i);
  assert.match(refused.head, /\r\nconnection: close/i);
  assert.deepEqual(JSON.parse(refused.body), { error: "the server is shutting down" });
  await late.ended;

  // the test still holds all three connections: the server ended them and exits on its own
  assert.deepEqual(await exited, [0, null], first.output());

  const server = await start();
  const res = await fetch(`${server.url}/traces/${TRACE_ID}`);
  assert.equal(res.status, 200, "the span answered 202 during the stop was committed");
  assert.deepEqual(await server.stop(), { code: 0, signal: null });
});

test("SIGTERM: a client trickling a body holds the stop for at most request_timeout; the server cuts it and exits 0", {
  timeout: 90_000,
}, async (t) => {
  const { start } = await tempServeDir(t);
  const env = { TOKENTRACE_REQUEST_TIMEOUT: "2s", TOKENTRACE_HEADERS_TIMEOUT: "1s" };
  const first = await start({ env });

  // committed before the signal
  const span = { trace_id: TRACE_ID, span_id: "eee19b7ec3c1b174", name: "chat", model: "gpt-4o", prompt_tokens: 10 };
  const posted = await fetch(`${first.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([span]),
  });
  assert.equal(posted.status, 202, await posted.text());

  // idle: its end tells the test that the stop has begun
  const idle = await hold(t, first.port);
  idle.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.match((await idle.next()).head, /^HTTP\/1\.1 200 /);

  // trickler: a POST the server is handling (it answered 100 Continue) whose body then
  // comes a byte at a time, for as long as the connection lasts.
  const trickler = connect(first.port, "127.0.0.1");
  let drip: NodeJS.Timeout | undefined;
  t.after(() => {
    clearInterval(drip);
    trickler.destroy();
  });
  // a connection destroyed with unread bytes may end in a reset: either way it has ended
  trickler.on("error", () => undefined);
  const cut = once(trickler, "close");
  await once(trickler, "connect");
  trickler.write(
    "POST /spans HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
  );
  await once(trickler, "data");

  const exited = once(first.child, "exit");
  first.child.kill("SIGTERM");
  await idle.ended;
  trickler.write("[");
  drip = setInterval(() => trickler.writable && trickler.write(" "), 200);

  await cut;
  clearInterval(drip);
  assert.deepEqual(await exited, [0, null], first.output());

  const server = await start();
  const res = await fetch(`${server.url}/traces/${TRACE_ID}`);
  assert.equal(res.status, 200, "the span answered 202 before the signal was committed");
  assert.deepEqual(await server.stop(), { code: 0, signal: null });
});
