import assert from "node:assert/strict";
import { test } from "node:test";
import { createIdempotencyCache, idempotencyKeyOf, runOnce } from "./idempotency.js";

test("remembers keys until the TTL passes", () => {
  const c = createIdempotencyCache(10, 1000);
  c.set("k", 3, 0);
  assert.equal(c.get("k", 999), 3);
  assert.equal(c.get("k", 1999), undefined);
  assert.equal(c.get("other", 0), undefined);
});

test("evicts the least recently used key past the bound", () => {
  const c = createIdempotencyCache(2, 10_000);
  c.set("a", 1, 0);
  c.set("b", 2, 0);
  assert.equal(c.get("a", 1), 1); // a is now the most recent
  c.set("c", 3, 2);
  assert.equal(c.size, 2);
  assert.equal(c.get("b", 3), undefined);
  assert.equal(c.get("a", 3), 1);
  assert.equal(c.get("c", 3), 3);
});

test("tracks in-flight requests and forgets them when settled", async () => {
  const c = createIdempotencyCache();
  let resolve!: (n: number) => void;
  const p = new Promise<number>((r) => {
    resolve = r;
  });
  c.track("k", p);
  assert.equal(c.pending("k"), p);
  resolve(4);
  await p;
  await new Promise((r) => setImmediate(r));
  assert.equal(c.pending("k"), undefined);
});

test("keys are one value of 1-255 printable ASCII characters", () => {
  assert.equal(idempotencyKeyOf("3f2a-batch-17"), "3f2a-batch-17");
  assert.equal(idempotencyKeyOf(undefined), undefined);
  assert.equal(idempotencyKeyOf(""), null);
  assert.equal(idempotencyKeyOf("a b"), null);
  assert.equal(idempotencyKeyOf("x".repeat(256)), null);
  assert.equal(idempotencyKeyOf("clé"), null);
  assert.equal(idempotencyKeyOf(["a", "b"]), null);
});

test("runOnce commits a key once: a repeat, even while the first still commits, replays its count", async () => {
  const c = createIdempotencyCache();
  let runs = 0;
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const work = async () => {
    runs++;
    await gate;
    return 7;
  };
  const first = runOnce(c, "k", () => 0, work);
  const second = runOnce(c, "k", () => 0, work);
  release();
  assert.deepEqual(await first, { accepted: 7, replayed: false });
  assert.deepEqual(await second, { accepted: 7, replayed: true });
  assert.deepEqual(await runOnce(c, "k", () => 1, work), { accepted: 7, replayed: true });
  assert.equal(runs, 1);
  assert.deepEqual(await runOnce(c, undefined, () => 1, work), { accepted: 7, replayed: false });
  assert.equal(runs, 2, "no key: always runs");
});

test("runOnce runs again when the attempt holding the key failed", async () => {
  const c = createIdempotencyCache();
  const failed = runOnce(
    c,
    "k",
    () => 0,
    async () => {
      throw new Error("disk full");
    },
  );
  await assert.rejects(failed, /disk full/);
  assert.deepEqual(
    await runOnce(
      c,
      "k",
      () => 0,
      async () => 3,
    ),
    { accepted: 3, replayed: false },
  );
});
