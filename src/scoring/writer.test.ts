import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.js";
import type { Score } from "../score/types.js";
import { createScoreWriter } from "./writer.js";

const score = (id: string): Score => ({
  score_id: id,
  trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c",
  span_id: null,
  name: "n",
  value: 1,
  label: null,
  comment: null,
  source: "api",
  created_at: 0,
});

/** A store whose commits wait until released, recording each call's ids. */
function heldStore() {
  const calls: string[][] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  return {
    calls,
    failNext: () => {
      failNext = true;
    },
    release: () => gates.shift()?.(),
    async upsertScores(scores: Score[]) {
      calls.push(scores.map((s) => s.score_id));
      await new Promise<void>((r) => gates.push(r));
      if (failNext) {
        failNext = false;
        throw new Error("disk full");
      }
      return scores;
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

test("scores arriving during a commit go together in the next one; each resolves after its own commit", async () => {
  const store = heldStore();
  const w = createScoreWriter(store);
  const done: string[] = [];
  const first = w.submit([score("a")]).then(() => done.push("a"));
  await settle();
  const rest = ["b", "c", "d"].map((id) => w.submit([score(id)]).then(() => done.push(id)));
  await settle();
  assert.deepEqual(store.calls, [["a"]]);
  assert.deepEqual(done, []);
  store.release();
  await first;
  await settle();
  assert.deepEqual(done, ["a"]);
  assert.deepEqual(store.calls, [["a"], ["b", "c", "d"]]);
  store.release();
  await Promise.all(rest);
  assert.deepEqual(done, ["a", "b", "c", "d"]);
  await w.drain();
});

test("a failed commit rejects its scores with store_unavailable; the next ones still commit", async () => {
  const store = heldStore();
  const logged: string[] = [];
  const w = createScoreWriter(store, { log: (m) => logged.push(m) });
  store.failNext();
  const failed = w.submit([score("a")]);
  await settle();
  const later = w.submit([score("b")]);
  store.release();
  await assert.rejects(failed, (e: unknown) => e instanceof ApiError && e.code === "store_unavailable");
  await settle();
  store.release();
  await later;
  assert.deepEqual(store.calls, [["a"], ["b"]]);
  assert.match(logged[0], /1 scores failed: disk full/);
});

test("a request's scores go in one commit, never split; groups stop before 1000 scores", async () => {
  const store = heldStore();
  const w = createScoreWriter(store);
  const first = w.submit([score("a")]);
  await settle();
  const big = Array.from({ length: 600 }, (_, i) => score(`x${i}`));
  const other = Array.from({ length: 600 }, (_, i) => score(`y${i}`));
  const pending = [w.submit(big), w.submit(other), w.submit([score("z")])];
  store.release();
  await first;
  for (let i = 0; i < 2; i++) {
    await settle();
    store.release();
  }
  await Promise.all(pending);
  assert.deepEqual(
    store.calls.map((c) => c.length),
    [1, 600, 601],
  );
  await w.drain();
});
