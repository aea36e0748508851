import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { postJson } from "./post.js";

// One loopback receiver whose answer depends on the path.
let server: Server;
let base: string;
const bodies: unknown[] = [];

before(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => {
      text += d;
    });
    req.on("end", () => {
      bodies.push({
        path: req.url,
        body: JSON.parse(text),
        type: req.headers["content-type"],
        auth: req.headers.authorization,
      });
      const [, status, extra] = /^\/([^/]+)(?:\/(.*))?$/.exec(req.url ?? "") ?? [];
      if (status === "hang") return;
      if (extra === "retry-after") res.setHeader("Retry-After", "3");
      if (status === "302") res.setHeader("Location", "http://elsewhere.example/");
      res.writeHead(Number(status));
      res.end(status === "400" ? "invalid_payload" : "");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const signal = () => new AbortController().signal;

test("2xx is a success and the body arrives as JSON with the extra headers", async () => {
  const r = await postJson(`${base}/202`, { a: 1 }, { Authorization: "Bearer t" }, 5000, signal());
  assert.deepEqual(r, { kind: "success", httpStatus: 202 });
  assert.deepEqual(bodies.at(-1), { path: "/202", body: { a: 1 }, type: "application/json", auth: "Bearer t" });
});

test("408, 429 and 5xx are retryable, with Retry-After read", async () => {
  for (const s of [408, 429, 500, 503]) {
    const r = await postJson(`${base}/${s}`, {}, {}, 5000, signal());
    assert.equal(r.kind, "retryable", String(s));
    assert.equal(r.httpStatus, s);
  }
  const r = await postJson(`${base}/503/retry-after`, {}, {}, 5000, signal());
  assert.deepEqual(r, { kind: "retryable", httpStatus: 503, error: "HTTP 503 Service Unavailable", afterMs: 3000 });
});

test("receiver body echoed (finding): other 4xx and redirects are failures with the status and its reason only", async () => {
  assert.deepEqual(await postJson(`${base}/400`, {}, {}, 5000, signal()), {
    kind: "failure",
    httpStatus: 400,
    error: "HTTP 400 Bad Request",
  });
  const r = await postJson(`${base}/302`, {}, {}, 5000, signal());
  assert.deepEqual(r, { kind: "failure", httpStatus: 302, error: "HTTP 302 Found (redirects are not followed)" });
});

test("private address (finding): with a guard, loopback is refused whether written as an IP or resolved from a name", async () => {
  const port = new URL(base).port;
  const sent = bodies.length;
  const guard = { allowedHosts: null };
  for (const url of [`${base}/200`, `http://localhost:${port}/200`, `http://[::ffff:127.0.0.1]:${port}/200`]) {
    const r = await postJson(url, {}, {}, 5000, signal(), Date.now, guard);
    assert.equal(r.kind, "failure", url);
    assert.match((r as { error: string }).error, /^refused: .* a loopback address/, url);
  }
  const named = await postJson(`http://localhost:${port}/200`, {}, {}, 5000, signal(), Date.now, guard);
  assert.match(
    (named as { error: string }).error,
    /^refused: localhost resolves to a loopback address \((127\.0\.0\.1|::1)\)/,
  );
  assert.equal(bodies.length, sent, "nothing reached the receiver");
  // listed in alerts.allowed_hosts, the same receivers are reached
  const allowed = { allowedHosts: ["127.0.0.1", "localhost"] };
  assert.equal((await postJson(`${base}/200`, {}, {}, 5000, signal(), Date.now, allowed)).kind, "success");
  const viaName = await postJson(`http://localhost:${port}/200`, {}, {}, 5000, signal(), Date.now, allowed);
  assert.ok(viaName.kind === "success" || /connection refused/.test((viaName as { error: string }).error));
});

test("network errors and timeouts are retryable", async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const refused = await postJson(`http://127.0.0.1:${port}/`, {}, {}, 5000, signal());
  assert.equal(refused.kind, "retryable");
  const slow = await postJson(`${base}/hang`, {}, {}, 50, signal());
  assert.deepEqual(slow, { kind: "retryable", error: "timed out", afterMs: null });
});
