// Alert delivery that leaks nothing, against a real `tokentrace serve`: a receiver's error
// body and the secrets in a receiver URL never reach GET /alerts or the server's stderr,
// and rules created through POST /alerts cannot aim the server at private addresses.
// The clock is real: the test waits on events (the receiver's requests), never on sleeps.
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Receiver, startReceiver } from "../../src/alerts/testing/receiver.js";
import { makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

const SECRET_BODY = "INTERNAL-ONLY: db_password=hunter2-a8f3";
const URL_KEY = "sk-url-key-77c1";
const URL_PASSWORD = "url-pass-19d2";

let dir: string;
let rx: Receiver;
const running: ServeProcess[] = [];

before(async () => {
  dir = await makeTempDir("tokentrace-alerts-leaks-");
  // every request gets a 500 whose body holds a secret
  rx = await startReceiver(Array.from({ length: 100 }, () => ({ status: 500, body: SECRET_BODY })));
});
after(async () => {
  for (const p of running) await p.kill();
  await rx.close();
  await removeDir(dir);
});

/** A server on a data directory of its own, so one test's API rules do not carry over to the next. */
async function serve(config: string): Promise<ServeProcess> {
  const own = await mkdtemp(join(dir, "serve-"));
  const p = await startServe({ dataDir: own, args: ["--config", await writeConfig(own, config)] });
  running.push(p);
  return p;
}

async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

const RULE = { metric: "error_count", op: "gte", threshold: 1, window: "1h" };
type Json = Record<string, unknown>;

test("receiver body and URL secrets (finding): a 500 with a secret body is recorded as status and reason only", {
  timeout: 90_000,
}, async () => {
  const port = new URL(rx.url).port;
  const server = await serve(`alerts:
  eval_interval: 200ms
  rules:
    - name: from-config
      metric: error_count
      op: gte
      threshold: 1
      window: 1h
      delivery:
        type: http
        url: "http://hook:${URL_PASSWORD}@127.0.0.1:${port}/config-hook?api_key=${URL_KEY}"
`);
  const json = { "content-type": "application/json" };
  const span = { model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, status: "error", caller: "e2e" };
  assert.equal(
    (await fetch(`${server.url}/spans`, { method: "POST", headers: json, body: JSON.stringify([span]) })).status,
    202,
  );

  // the operator's rule in tokentrace.yml may target loopback: it fails on the receiver's 500 and is retried
  await until(() => rx.received.filter((r) => r.path.startsWith("/config-hook")).length >= 2);
  let row: Json | undefined;
  await until(async () => {
    const rows = (await (await fetch(`${server.url}/alerts`)).json()) as Json[];
    row = rows.find((r) => r.name === "from-config");
    return (row?.last_delivery as Json | null)?.http_status === 500;
  });
  const delivery = row?.last_delivery as Json;
  assert.equal(delivery.error, "HTTP 500 Internal Server Error");
  assert.deepEqual(row?.delivery, { type: "http", url: `http://127.0.0.1:${port}/config-hook?…` });

  const listing = await (await fetch(`${server.url}/alerts`)).text();
  for (const secret of [SECRET_BODY, "hunter2", URL_KEY, URL_PASSWORD]) {
    assert.ok(!listing.includes(secret), `GET /alerts shows ${secret}`);
  }
  // let the retries run out so the failure is logged, then stop the server and read its stderr
  await until(() => /notification failed after/.test(server.output()));
  await server.stop();
  const output = server.output();
  assert.match(
    output,
    /alert "from-config" firing notification failed after \d+ attempt\(s\): HTTP 500 Internal Server Error/,
  );
  for (const secret of [SECRET_BODY, "hunter2", URL_KEY, URL_PASSWORD]) {
    assert.ok(!output.includes(secret), `stderr shows ${secret}:\n${output}`);
  }
});

test("private address (finding): POST /alerts aimed at loopback is a 400 naming delivery.url unless allowed_hosts lists it", {
  timeout: 60_000,
}, async () => {
  const port = new URL(rx.url).port;
  const open = await serve("alerts:\n  eval_interval: 1h\n");
  const post = (s: ServeProcess, name: string, url: string) =>
    fetch(`${s.url}/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...RULE, name, delivery: { type: "http", url } }),
    });
  for (const url of [
    `http://127.0.0.1:${port}/x`,
    `http://[::1]:${port}/x`,
    "http://10.1.2.3/x",
    "http://192.168.0.10/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/x",
    "http://[fe80::1]/x",
    "http://[::ffff:127.0.0.1]/x",
  ]) {
    const res = await post(open, "to-private", url);
    assert.equal(res.status, 400, url);
    const { error } = (await res.json()) as { error: string };
    assert.match(error, /^delivery\.url: .* is a (loopback|private|link-local|metadata) address/, url);
    assert.match(error, /alerts\.allowed_hosts/);
  }
  assert.equal((await post(open, "public", "https://hooks.example.com/x")).status, 201);

  // `localhost` is a name: accepted, then refused when sending, on the address it resolves to
  assert.equal((await post(open, "via-name", `http://localhost:${port}/via-name`)).status, 201);
  await open.stop();

  const allowed = await serve(`alerts:\n  eval_interval: 200ms\n  allowed_hosts: ["127.0.0.1"]\n`);
  assert.equal((await post(allowed, "to-loopback", `${rx.url}/allowed`)).status, 201);
  const span = { model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, status: "error", caller: "e2e" };
  await fetch(`${allowed.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([span]),
  });
  await until(() => rx.received.some((r) => r.path === "/allowed"));
  await allowed.stop();
});

test("DNS rebinding (finding): a name resolving to loopback is refused at send time, nothing is sent", {
  timeout: 60_000,
}, async () => {
  const port = new URL(rx.url).port;
  const server = await serve("alerts:\n  eval_interval: 200ms\n");
  const created = await fetch(`${server.url}/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      ...RULE,
      name: "via-name",
      delivery: { type: "http", url: `http://localhost:${port}/rebound` },
    }),
  });
  assert.equal(created.status, 201);
  const span = { model: "gpt-4o", prompt_tokens: 10, comp_tokens: 5, status: "error", caller: "e2e" };
  await fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([span]),
  });
  let delivery: Json | null = null;
  await until(async () => {
    const rows = (await (await fetch(`${server.url}/alerts`)).json()) as Json[];
    delivery = (rows.find((r) => r.name === "via-name")?.last_delivery ?? null) as Json | null;
    return delivery !== null;
  });
  assert.equal((delivery as unknown as Json).status, "failed");
  assert.equal((delivery as unknown as Json).attempts, 1);
  assert.match(
    String((delivery as unknown as Json).error),
    /^refused: localhost resolves to a loopback address \((127\.0\.0\.1|::1)\)/,
  );
  await server.stop();
  assert.equal(rx.received.filter((r) => r.path === "/rebound").length, 0, "nothing reached the receiver");
});
