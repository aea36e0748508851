// Two `tokentrace serve` processes on one PostgreSQL database behind no load balancer at all:
// spans sent to either are read from both; an API rule created on one fires from whichever
// leads, and its notification reaches a real receiver exactly once in total; killing the
// leading process hands evaluation to the other, which then delivers the next firing.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import pg from "pg";
import { type Receiver, startReceiver } from "../../src/alerts/testing/receiver.js";
import { parseStorageUrl } from "../../src/store/postgres/index.js";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";
import { callJson, makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
type Json = any;

const schema = scratchSchema();
let dir: string;
let receiver: Receiver;
const servers: ServeProcess[] = [];

before(async () => {
  if (SKIP_PG) return;
  dir = await makeTempDir("tokentrace-multi-");
  receiver = await startReceiver();
  const file = await writeConfig(
    dir,
    `storage:\n  driver: postgres\n  url: "${schema.url}"\nalerts:\n  eval_interval: 300ms\n  allowed_hosts: ["127.0.0.1"]\n`,
  );
  // Both start at once: the migrations must be applied once, under their lock.
  servers.push(
    ...(await Promise.all([
      startServe({ cwd: dir, args: ["--config", file] }),
      startServe({ cwd: dir, args: ["--config", file] }),
    ])),
  );
});

after(async () => {
  if (SKIP_PG) return;
  for (const s of servers) await s.kill();
  await receiver?.close();
  await schema.drop();
  await removeDir(dir);
});

const call = callJson;

/** Polls until `f` holds (evaluation runs on real timers in the child processes). */
async function eventually<T>(f: () => Promise<T | undefined | false>, what: string, s?: ServeProcess): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} did not happen within 40 s${s ? `\n${s.output()}` : ""}`);
}

/** The pid of the process holding the alert lock of this schema (from pg_stat_activity's application_name). */
async function leaderPid(): Promise<number | null> {
  const c = new pg.Client({ connectionString: parseStorageUrl(schema.url).connectionString });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objid = (hashtext($1)::bigint & 4294967295)::oid`,
      [`tokentrace:${schema.schema}:alerts`],
    );
    if (r.rows.length !== 1) return null;
    return Number(/tokentrace pid (\d+)/.exec(r.rows[0].app)?.[1]);
  } finally {
    await c.end();
  }
}

const notifications = (rule: string) =>
  receiver.received.filter((r) => (r.body as Json)?.tokentrace?.rule === rule && (r.body as Json).status === "firing");

const span = (o: Record<string, unknown> = {}) => ({
  trace_id: randomUUID(),
  model: "gpt-4o",
  prompt_tokens: 100,
  comp_tokens: 20,
  ...o,
});

test("two servers on one database: shared spans, shared rules, one delivery, failover", { skip: SKIP_PG }, async () => {
  const [a, b] = servers;
  // Ingest through both, read through both.
  const viaA = [span(), span(), span()];
  const viaB = [span(), span()];
  assert.equal((await call(a, "POST", "/spans", viaA)).status, 202);
  assert.equal((await call(b, "POST", "/spans", viaB)).status, 202);
  for (const s of servers) {
    for (const x of [...viaA, ...viaB]) assert.equal((await call(s, "GET", `/traces/${x.trace_id}`)).status, 200);
    assert.equal((await call(s, "GET", "/metrics?window=1h")).body.span_count, 5);
  }

  // A rule created on one instance is listed by the other and fires once in total.
  const rule = {
    name: "any-spans",
    metric: "span_count",
    op: "gt",
    threshold: 0,
    window: "1h",
    cooldown: "1h",
    delivery: { type: "http", url: `${receiver.url}/hook` },
  };
  assert.equal((await call(b, "POST", "/alerts", rule)).status, 201);
  await eventually(
    async () => (await call(a, "GET", "/alerts")).body.some((r: Json) => r.name === "any-spans"),
    "rule on a",
  );
  await eventually(async () => notifications("any-spans").length > 0, "first firing", a);
  // Several more rounds on both instances must not deliver it again (cooldown 1h, one leader).
  // (a follower shows the leader's state from its next round on)
  const seen: string = await eventually(
    async () =>
      (await call(a, "GET", "/alerts")).body.find((r: Json) => r.name === "any-spans")?.last_evaluated ?? undefined,
    "state on a",
  );
  for (const s of servers) {
    await eventually(async () => {
      const r = (await call(s, "GET", "/alerts")).body.find((x: Json) => x.name === "any-spans");
      return r.firing === true && Date.parse(r.last_evaluated) > Date.parse(seen) + 600;
    }, "later rounds");
  }
  assert.equal(notifications("any-spans").length, 1);

  // Kill the evaluating instance; the other takes over and delivers the next firing.
  const pid = await eventually(leaderPid, "a leader");
  const dead = servers.find((s) => s.child.pid === pid);
  assert.ok(dead, `the lock holder ${pid} is one of the two servers`);
  const survivor = servers.find((s) => s !== dead) as ServeProcess;
  await dead.kill("SIGKILL");
  const errorsRule = { ...rule, name: "errors-seen", metric: "error_count" };
  assert.equal((await call(survivor, "POST", "/alerts", errorsRule)).status, 201);
  assert.equal((await call(survivor, "POST", "/spans", [span({ status: "error" })])).status, 202);
  await eventually(async () => notifications("errors-seen").length > 0, "firing after failover", survivor);
  assert.equal(await leaderPid(), survivor.child.pid);
  assert.equal(notifications("any-spans").length, 1, "the first rule did not fire again after the takeover");
  assert.equal(notifications("errors-seen").length, 1);
});
