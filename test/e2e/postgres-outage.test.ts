// PostgreSQL becomes unreachable mid-ingest: a TCP proxy on loopback between tokentrace and
// the database is cut and restored (the shared PostgreSQL service itself keeps running).
// While cut, POST /spans answers 503 with Retry-After and /health reports it; both recover by
// themselves; every span that got a 202 is in the database afterwards.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { after, before, test } from "node:test";
import pg from "pg";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { parseStorageUrl } from "../../src/store/postgres/index.js";
import { SKIP_PG, scratchSchema, TEST_PG_URL } from "../../src/store/postgres/testing/scratch.js";

/**
 * A loopback TCP proxy to the database. cut(): every connection is reset and new ones are
 * refused (database down). hang(): connections stay open but nothing flows any more (a host
 * that stopped answering). restore(): new connections work again; hung ones are reset, as
 * their TCP sessions would have been.
 */
async function startProxy(
  target: URL,
): Promise<{ port: number; cut(): void; hang(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let mode: "open" | "cut" | "hang" = "open";
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  };
  const server = net.createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    track(client);
    if (mode === "hang") return;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const destroyAll = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      mode = "cut";
      destroyAll();
    },
    hang() {
      mode = "hang";
      for (const s of sockets) {
        s.unpipe();
        s.pause();
      }
    },
    restore() {
      if (mode === "hang") destroyAll();
      mode = "open";
    },
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}

const schema = scratchSchema();
let proxy: Awaited<ReturnType<typeof startProxy>>;
let server: RunningServer;

before(async () => {
  if (SKIP_PG) return;
  proxy = await startProxy(new URL(TEST_PG_URL as string));
  const url = new URL(schema.url);
  url.host = `127.0.0.1:${proxy.port}`;
  const c = structuredClone(DEFAULT_CONFIG);
  c.http_server.addr = "127.0.0.1:0";
  c.storage = { driver: "postgres", path: "", url: url.toString() };
  server = await startServer(c);
});

after(async () => {
  if (SKIP_PG) return;
  await server?.close();
  await proxy?.close();
  await schema.drop();
});

function batch(n: number): { trace_id: string; model: string; prompt_tokens: number; comp_tokens: number }[] {
  return Array.from({ length: n }, () => ({
    trace_id: randomUUID(),
    model: "gpt-4o",
    prompt_tokens: 10,
    comp_tokens: 5,
  }));
}

async function post(spans: unknown[]): Promise<Response> {
  return fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spans),
  });
}

// Anything a writer saw besides 202 and 503 store_unavailable; stops the waits early.
const unexpected: string[] = [];

/** Polls until `f` is true; the database comes back on its own, the test only waits for it. */
async function eventually(f: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await f()) return;
    if (unexpected.length > 0) assert.fail(`unexpected answers: ${unexpected.join("; ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} did not happen within 30 s`);
}

test("503 + Retry-After and unhealthy while the database is unreachable; recovery; no acknowledged span lost", {
  skip: SKIP_PG,
}, async () => {
  const acked: string[] = [];
  const first = batch(20);
  assert.equal((await post(first)).status, 202);
  acked.push(...first.map((s) => s.trace_id));
  assert.equal((await fetch(`${server.url}/health`)).status, 200);

  // Writers keep posting while the connection is cut under them.
  let stop = false;
  const statuses: number[] = [];
  const retryAfter = new Set<string | null>();
  const writer = async () => {
    while (!stop) {
      const b = batch(5);
      const res = await post(b);
      const text = await res.text();
      statuses.push(res.status);
      if (res.status === 202) acked.push(...b.map((s) => s.trace_id));
      else if (res.status === 503 && /store could not commit/.test(text) && !/postgres|ECONN/i.test(text))
        retryAfter.add(res.headers.get("retry-after"));
      else {
        unexpected.push(`${res.status} ${text}`);
        stop = true;
      }
    }
  };
  const writers = [writer(), writer(), writer()];
  await eventually(async () => statuses.filter((s) => s === 202).length >= 10, "some commits before the cut");
  proxy.cut();
  await eventually(async () => statuses.slice(-3).every((s) => s === 503) && statuses.length > 3, "503s");
  const down = await fetch(`${server.url}/health`);
  assert.equal(down.status, 503);
  const health = (await down.json()) as { status: string; reason: string };
  assert.equal(health.status, "unavailable");
  assert.match(health.reason, /postgres|store|connect|terminated/i);

  proxy.restore();
  await eventually(async () => statuses.slice(-3).every((s) => s === 202), "ingest recovery");
  stop = true;
  await Promise.all(writers);
  assert.deepEqual(unexpected, []);
  await eventually(async () => (await fetch(`${server.url}/health`)).status === 200, "health recovery");
  assert.ok(!retryAfter.has(null), "every 503 carries Retry-After");

  // Every acknowledged span is in the database (read directly, not through tokentrace).
  const c = new pg.Client({ connectionString: parseStorageUrl(schema.url).connectionString });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT count(DISTINCT trace_id)::int AS n FROM "${schema.schema}".spans WHERE trace_id = ANY($1)`,
      [acked],
    );
    assert.equal(r.rows[0].n, acked.length);
  } finally {
    await c.end();
  }
  assert.ok(statuses.includes(503) && acked.length > 30);
});

test("a database that stops answering (no reset): health says so within seconds, then recovers", {
  skip: SKIP_PG,
}, async () => {
  assert.equal((await post(batch(3))).status, 202);
  proxy.hang();
  await eventually(async () => (await fetch(`${server.url}/health`)).status === 503, "unhealthy while hung");
  proxy.restore();
  await eventually(async () => (await fetch(`${server.url}/health`)).status === 200, "health recovery");
  await eventually(async () => (await post(batch(3))).status === 202, "ingest recovery");
});
