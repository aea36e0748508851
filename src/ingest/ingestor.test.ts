import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError } from "../errors.js";
import type { Span } from "../span/types.js";
import { DuckDbStore } from "../store/duckdb/index.js";
import { createFakeStore } from "../store/testing/fake-store.js";
import { createIngestor } from "./ingestor.js";

function span(n: number): Span {
  return {
    trace_id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    span_id: `10000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    parent_span_id: null,
    name: "s",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 1,
    comp_tokens: 1,
    total_tokens: 2,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    latency_ms: 1,
    ttft_ms: null,
    status: "ok",
    caller: null,
    started_at: 1000,
    ended_at: 1001,
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: {},
  };
}

const tick = () => new Promise((r) => setImmediate(r));

const spans = (from: number, n: number) => Array.from({ length: n }, (_, i) => span(from + i));

/**
 * An ingestor on a fake clock whose first commit, 1000 spans taking `commitMs`, measured its
 * rate; the next commits wait for store.release() while the test moves `clock.now`.
 */
async function measured(maxWaitMs: number, commitMs: number) {
  const store = createFakeStore();
  const clock = { now: 0 };
  const ingest = createIngestor(store, { maxWaitMs, maxInFlight: 1, clock: () => clock.now });
  store.hold = true;
  const first = ingest.submit(spans(0, 1000));
  await tick();
  clock.now += commitMs;
  store.hold = false;
  store.release();
  await first;
  store.hold = true;
  return { store, ingest, clock };
}

test("concurrent submits share commits: one in flight, the rest grouped into the next", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store, { maxInFlight: 1 });
  const first = ingest.submit([span(0)]);
  const rest = Array.from({ length: 9 }, (_, i) => ingest.submit([span(i + 1), span(i + 100)]));
  await tick();
  assert.deepEqual(store.insertCalls, [1], "only the first batch is committing");
  assert.equal(ingest.queueDepth, 19);
  store.hold = false;
  store.release();
  await Promise.all([first, ...rest]);
  assert.deepEqual(store.insertCalls, [1, 18], "10 requests, 2 commits");
  assert.equal(store.spans.length, 19);
  assert.equal(ingest.queueDepth, 0);
});

test("submit resolves only after its spans are in the store", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store);
  let done = false;
  const p = ingest.submit([span(1)]).then(() => {
    done = true;
  });
  await tick();
  assert.equal(done, false);
  assert.equal(store.spans.length, 0);
  store.hold = false;
  store.release();
  await p;
  assert.equal(store.spans.length, 1);
});

test("a failed commit rejects every request in it with 503 store_unavailable and Retry-After", async () => {
  const store = createFakeStore();
  store.hold = true;
  const logged: string[] = [];
  const ingest = createIngestor(store, { log: (m) => logged.push(m) });
  const a = ingest.submit([span(1)]);
  const b = ingest.submit([span(2)]);
  const c = ingest.submit([span(3)]);
  await tick();
  store.failWith = "disk full";
  store.hold = false;
  store.release();
  for (const p of [a, b, c]) {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 503);
      assert.equal(err.code, "store_unavailable");
      assert.doesNotMatch(err.message, /disk full/, "the cause is for the log, not for clients");
      assert.equal(err.headers["Retry-After"], "5");
      return true;
    });
  }
  assert.ok(logged.length > 0 && logged.every((m) => /^tokentrace: a commit of \d+ spans failed: disk full$/.test(m)));
  assert.equal(store.spans.length, 0);
  // The store recovers: the next submit commits.
  store.failWith = null;
  await ingest.submit([span(4)]);
  assert.equal(store.spans.length, 1);
});

test("ingest queue full: new submits get 503 overloaded with Retry-After at once; queued ones still commit", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store, { maxQueuedSpans: 3, maxInFlight: 1 });
  const inflight = ingest.submit([span(0)]);
  await tick();
  const queued = ingest.submit([span(1), span(2)]);
  await assert.rejects(ingest.submit([span(3), span(4)]), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 503);
    assert.equal(err.code, "overloaded");
    assert.equal(err.headers["Retry-After"], "1");
    return true;
  });
  // admit answers the same before a route builds the spans; what fits is admitted
  assert.throws(() => ingest.admit(2), /the queue holds 3/);
  ingest.admit(1);
  assert.equal(ingest.queueDepth, 3, "refused spans were never queued");
  store.hold = false;
  store.release();
  await Promise.all([inflight, queued]);
  assert.equal(store.spans.length, 3);
});

test("ingest queue by commit time: past maxWaitMs of commits at the measured rate, new requests get 503 overloaded; admit(0) refuses once the queue alone is past it", async () => {
  // A first commit of 1000 spans that takes 500 ms: 0.5 ms a span.
  const { store, ingest } = await measured(1000, 500);
  // Before any rate was measured the span cap alone applied; now 1000 in flight + 1000 queued is 1000 ms.
  const inflight = ingest.submit(spans(1000, 1000));
  await tick();
  const queued = ingest.submit(spans(2000, 1000));
  ingest.admit(0);
  assert.throws(
    () => ingest.admit(1),
    (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, "overloaded");
      assert.equal(err.headers["Retry-After"], "1");
      assert.match(err.message, /need about 1001 ms \(the queue holds 1000 ms\)/);
      return true;
    },
  );
  await assert.rejects(ingest.submit([span(3000)]), /overloaded|need about/);
  assert.equal(ingest.queueDepth, 2000, "refused spans were never queued");
  store.hold = false;
  store.release();
  await Promise.all([inflight, queued]);
  assert.equal(store.spans.length, 3000, "every admitted span committed");
  ingest.admit(5000); // an empty queue admits anything: a request is never refused forever
});

test("requests still arriving count toward the wait: a burst of them is refused before any body is read", async () => {
  // Requests of 1000 spans, 1 ms a span to commit.
  const { store, ingest } = await measured(3500, 1000);
  const inflight = ingest.submit(spans(1000, 1000));
  await tick();
  // 1000 ms in flight; each arriving request is expected to add 1000 ms.
  const a = ingest.arrive(); // nothing queued or arriving: always let in
  const b = ingest.arrive(); // 1000 + 1000 (a) + 1000 (itself)
  assert.throws(() => ingest.arrive(), /need about 4000 ms/);
  // a's body is parsed: it no longer counts as arriving, its spans go to the queue instead.
  a();
  a(); // marking twice changes nothing
  ingest.admit(1000);
  const queued = ingest.submit(spans(3000, 1000));
  assert.throws(() => ingest.arrive(), /need about 4000 ms/);
  // b ended without a body (a 400, a dropped connection): room for one more.
  b();
  const c = ingest.arrive();
  c();
  store.hold = false;
  store.release();
  await Promise.all([inflight, queued]);
  assert.equal(store.spans.length, 3000);
});

test("a commit running past its estimate (a checkpoint) counts as that much more wait", async () => {
  const { store, ingest, clock } = await measured(3200, 1000); // 1 ms a span
  const inflight = ingest.submit(spans(1000, 1000)); // expected to take 1000 ms
  await tick();
  const a = ingest.arrive();
  ingest.arrive()(); // 1000 in flight + 1000 (a) + 1000 (itself) fit in 3200 ms
  clock.now += 1400; // 400 ms past its estimate
  assert.throws(() => ingest.arrive(), /need about 3400 ms/);
  a();
  store.hold = false;
  store.release();
  await inflight;
  // Nothing in flight any more: the same request fits.
  ingest.arrive()();
});

test("drain commits everything queued, then refuses new spans; it is idempotent", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store);
  const submitted = [ingest.submit([span(1)]), ingest.submit([span(2)]), ingest.submit([span(3)])];
  await tick();
  const drained = ingest.drain();
  assert.equal(ingest.drain(), drained);
  store.hold = false;
  store.release();
  await drained;
  await Promise.all(submitted);
  assert.equal(store.spans.length, 3);
  assert.equal(ingest.queueDepth, 0);
  await assert.rejects(ingest.submit([span(4)]), /shutting down/);
});

test("an empty submit resolves without touching the store", async () => {
  const store = createFakeStore();
  const ingest = createIngestor(store);
  await ingest.submit([]);
  assert.deepEqual(store.insertCalls, []);
});

test("a commit holds at most maxCommitSpans, in whole requests", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store, { maxCommitSpans: 4, maxInFlight: 1 });
  const all = [
    ingest.submit(spans(0, 1)),
    ingest.submit(spans(10, 3)),
    ingest.submit(spans(20, 2)),
    ingest.submit(spans(30, 1)),
    ingest.submit(spans(40, 6)),
  ];
  store.hold = false;
  store.release();
  await Promise.all(all);
  assert.deepEqual(store.insertCalls, [1, 3, 3, 6], "a 6-span request is never split");
  assert.equal(store.spans.length, 13);
});

test("with maxInFlight 2, two inserts are in flight and the rest are grouped behind them", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store, { maxInFlight: 2 });
  const first = ingest.submit([span(0)]);
  const second = ingest.submit([span(1), span(2)]);
  const rest = Array.from({ length: 4 }, (_, i) => ingest.submit([span(i + 10)]));
  await tick();
  assert.deepEqual(store.insertCalls, [1, 2], "two commits handed to the store, four requests waiting");
  assert.equal(ingest.queueDepth, 7);
  let firstDone = false;
  void first.then(() => {
    firstDone = true;
  });
  await tick();
  assert.equal(firstDone, false, "nothing resolves before its commit");
  store.hold = false;
  store.release();
  await Promise.all([first, second, ...rest]);
  assert.deepEqual(store.insertCalls, [1, 2, 4]);
  assert.equal(store.spans.length, 7);
  assert.equal(ingest.queueDepth, 0);
});

test("drain waits for both inserts in flight", async () => {
  const store = createFakeStore();
  store.hold = true;
  const ingest = createIngestor(store, { maxInFlight: 2 });
  const first = ingest.submit([span(0)]);
  const second = ingest.submit([span(1)]);
  await tick();
  const drained = ingest.drain();
  store.hold = false;
  store.release();
  await Promise.all([first, second, drained]);
  assert.equal(store.spans.length, 2);
  assert.equal(ingest.queueDepth, 0);
});

test("a commit failed by one request's value: the others in it commit, only that request fails", async () => {
  const store = createFakeStore();
  const insert = store.insert.bind(store);
  // like a value past a column's range: any insert holding it fails
  store.insert = async (spans, content) => {
    if (spans.some((s) => s.model === "poison")) throw new Error("Conversion Error: cost 2000000 out of range");
    return insert(spans, content);
  };
  store.hold = true;
  const logged: string[] = [];
  const ingest = createIngestor(store, { log: (m) => logged.push(m) });
  const first = ingest.submit([span(1)]); // commits alone, held
  await tick();
  const good = ingest.submit([span(2), span(3)]);
  const bad = ingest.submit([{ ...span(4), model: "poison" }]);
  const alsoGood = ingest.submit([span(5)]);
  store.hold = false;
  store.release();
  const refused = assert.rejects(bad, (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 503);
    assert.doesNotMatch(err.message, /2000000|poison/, "no request's values in any answer");
    return true;
  });
  await Promise.all([first, good, alsoGood, refused]);
  assert.deepEqual(store.spans.map((s) => s.span_id.slice(-1)).sort(), ["1", "2", "3", "5"]);
  assert.ok(
    logged.some((m) => /2000000/.test(m)),
    "the cause is in the log",
  );
});

test("a real DuckDB commit failed by one request's cost: the other requests of the group commit", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tokentrace-split-"));
  const store = await DuckDbStore.open(join(dir, "split.duckdb"));
  try {
    const ingest = createIngestor(store, { log: () => {} });
    const first = ingest.submit([span(1)]); // in flight alone; the next three queue into one commit
    const a = ingest.submit([span(2)]);
    const bad = ingest.submit([{ ...span(3), cost_usd: 2_000_000 }]); // past DECIMAL(18, 12)
    const c = ingest.submit([span(4)]);
    const refused = assert.rejects(bad, /could not commit/);
    await Promise.all([first, a, c]);
    await refused;
    assert.equal(await store.countSpans(), 3);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
