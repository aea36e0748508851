import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { publicReason } from "./health.js";
import { FIXED_NOW, makeTestApp, SEED_SPAN, type TestApp } from "./testing/app.js";
import { VERSION } from "./version.js";

let t: TestApp;
let clock = FIXED_NOW;
before(async () => {
  t = await makeTestApp(testConfig(), () => clock);
});
after(() => t.close());

test("GET /health: status, version, uptime, span count, transport and queue depth", async () => {
  await t.app.inject({ method: "POST", url: "/spans", payload: [SEED_SPAN, SEED_SPAN] });
  clock = FIXED_NOW + 3_612_400;
  const res = await t.app.inject({ url: "/health" });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    status: "ok",
    version: VERSION,
    uptime_s: 3612,
    span_count: 2,
    transport: "memory",
    queue_depth: 0,
    disk_free_bytes: null,
  });
  assert.equal(VERSION, "0.4.0");
});

test("503 unavailable with the reason while the store cannot write, 200 again once it recovers", async () => {
  t.store.healthState = { ok: false, reason: "disk full" };
  const res = await t.app.inject({ url: "/health" });
  assert.equal(res.statusCode, 503);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.status, "unavailable");
  assert.equal(body.reason, "disk full");
  assert.equal(body.transport, "memory");
  assert.equal(typeof body.uptime_s, "number");
  t.store.healthState = { ok: true };
  assert.equal((await t.app.inject({ url: "/health" })).statusCode, 200);
});

test("a failed commit answers 503 store_unavailable with Retry-After and acknowledges nothing", async () => {
  const before = t.store.spans.length;
  t.store.failWith = "disk full";
  try {
    const res = await t.app.inject({ method: "POST", url: "/spans", payload: [SEED_SPAN] });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers["retry-after"], "5");
    const error = (res.json() as { error: string }).error;
    assert.match(error, /could not commit the spans; nothing of this request was stored/);
    assert.doesNotMatch(error, /disk full/, "the cause goes to the log, not to the client");
  } finally {
    t.store.failWith = null;
  }
  assert.equal(t.store.spans.length, before);
});

test("503 when the store cannot even be read", async () => {
  const original = t.store.countSpans;
  t.store.countSpans = async () => {
    throw new Error("database unreachable");
  };
  try {
    const res = await t.app.inject({ url: "/health" });
    assert.equal(res.statusCode, 503);
    const body = res.json() as Record<string, unknown>;
    assert.equal(body.status, "unavailable");
    assert.equal(body.span_count, null);
    assert.match(String(body.reason), /database unreachable/);
  } finally {
    t.store.countSpans = original;
  }
});

test("503 bodies exposed internals (finding): a 503's reason names no file path and no credentials", () => {
  assert.equal(
    publicReason(
      'last write failed: IO Error: Could not write file "/var/lib/tokentrace/spans.duckdb.wal": No space left',
    ),
    'last write failed: IO Error: Could not write file "<path>": No space left',
  );
  assert.equal(
    publicReason("postgres unreachable or failing: connect postgres://app:s3cret@db.internal:5432/x"),
    "postgres unreachable or failing: connect postgres://db.internal:5432/x",
  );
  assert.equal(publicReason("disk full"), "disk full");
});
