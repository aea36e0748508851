import assert from "node:assert/strict";
import { test } from "node:test";
import { testConfig } from "../config/testing/config.js";
import { createFakeStore } from "../store/testing/fake-store.js";
import { buildApp } from "./app.js";
import { createRuntime } from "./runtime.js";

const NOW = Date.UTC(2026, 2, 15);

test("retention runs once at start with now - retention_ms", async () => {
  const store = createFakeStore();
  const rt = await createRuntime(testConfig({}, { retention_ms: 86_400_000 }), { store, now: () => NOW });
  await rt.close();
  assert.deepEqual(store.deleteBeforeCalls, [NOW - 86_400_000]);
});

test("retention deletes scores created before now - retention_ms too, and keeps the rest", async () => {
  const store = createFakeStore();
  const score = { trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c", span_id: null, name: "n", value: 1 } as const;
  const common = { ...score, label: null, comment: null, source: "api" as const };
  await store.scores.upsertScores([
    { ...common, score_id: "old", created_at: NOW - 86_400_001 },
    { ...common, score_id: "kept", created_at: NOW - 86_400_000 },
  ]);
  const rt = await createRuntime(testConfig({}, { retention_ms: 86_400_000 }), { store, now: () => NOW });
  await rt.close();
  const left = await store.scores.listScores({ since: 0, until: NOW, limit: 10 });
  assert.deepEqual(
    left.map((s) => s.score_id),
    ["kept"],
  );
});

test("close drains accepted spans before closing the store, and is idempotent", async () => {
  const store = createFakeStore();
  store.hold = true;
  const rt = await createRuntime(testConfig(), { store, now: () => NOW });
  const span = { model: "gpt-4o", prompt_tokens: 1 };
  const app = await buildApp(rt);
  const posts = [1, 2, 3].map(() => app.inject({ method: "POST", url: "/spans", payload: [span] }));
  // wait until all three requests are accepted and waiting for their commit
  while (rt.ingest.queueDepth < 3) await new Promise((r) => setImmediate(r));
  const closed = rt.close();
  assert.equal(rt.close(), closed);
  store.hold = false;
  store.release();
  await closed;
  for (const res of await Promise.all(posts)) assert.equal(res.statusCode, 202);
  assert.equal(store.spans.length, 3);
  assert.equal(store.closed, 1);
  // after close nothing more is accepted
  const late = await app.inject({ method: "POST", url: "/spans", payload: [span] });
  assert.equal(late.statusCode, 503);
  await app.close();
});

test("transportName is what /health reports", async () => {
  const store = createFakeStore();
  const rt = await createRuntime(testConfig(), { store, now: () => NOW, transportName: "file" });
  const app = await buildApp(rt);
  const body = (await app.inject({ url: "/health" })).json() as { transport: string };
  assert.equal(body.transport, "file");
  await app.close();
  await rt.close();
});
