import assert from "node:assert/strict";
import { test } from "node:test";
import { createIdempotencyCache, isValidIdempotencyKey } from "./idempotency.js";

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

test("keys are 1-255 printable ASCII characters", () => {
  assert.equal(isValidIdempotencyKey("3f2a-batch-17"), true);
  assert.equal(isValidIdempotencyKey(""), false);
  assert.equal(isValidIdempotencyKey("a b"), false);
  assert.equal(isValidIdempotencyKey("x".repeat(256)), false);
  assert.equal(isValidIdempotencyKey("clé"), false);
});
