import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createTracer } from "../tracer.js";
import { FileTransport } from "./file.js";

const dir = mkdtempSync(join(tmpdir(), "tokentrace-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("FileTransport writes JSON lines, rotates by size, and flushes on shutdown", async () => {
  const path = join(dir, "sub", "spans.jsonl");
  const tracer = createTracer({
    service: "svc",
    transport: new FileTransport({ path, maxBytes: 4000, maxFiles: 2 }),
    maxBatchSize: 5,
  });
  for (let i = 0; i < 60; i++) tracer.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: i, comp_tokens: 1 });
  await tracer.shutdown();
  const files = readdirSync(join(dir, "sub")).sort();
  assert.deepEqual(files, ["spans.jsonl", "spans.jsonl.1", "spans.jsonl.2"]);
  const lines = files.flatMap((f) =>
    readFileSync(join(dir, "sub", f), "utf8")
      .trim()
      .split("\n"),
  );
  for (const f of files) assert.ok(readFileSync(join(dir, "sub", f)).length <= 4000);
  const spans = lines.map((l) => JSON.parse(l) as { prompt_tokens: number; model: string; started_at: string });
  assert.equal(spans[0].model, "gpt-4o-mini");
  assert.match(spans[0].started_at, /^\d{4}-\d\d-\d\dT/);
  // newest file holds the last spans; older ones beyond maxFiles are gone
  const newest = readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l).prompt_tokens);
  assert.equal(newest.at(-1), 59);
  assert.ok(spans.length < 60);
  assert.equal(tracer.stats().exported, 60);
});

test("a burst of 5,000 calls in a loop is written in full, in order, without blocking the event loop", async () => {
  const path = join(dir, "burst.jsonl");
  const warnings: string[] = [];
  const tracer = createTracer({ transport: new FileTransport({ path }), onWarning: (m) => warnings.push(m) });
  for (let i = 0; i < 5000; i++) tracer.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: i });
  let ticked = false;
  setImmediate(() => {
    ticked = true;
  });
  await tracer.flush();
  assert.ok(ticked, "the event loop ran while the file was written");
  const lines = readFileSync(path, "utf8").trim().split("\n");
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).prompt_tokens),
    Array.from({ length: 5000 }, (_, i) => i),
  );
  assert.deepEqual(tracer.stats(), { recorded: 5000, exported: 5000, dropped: 0, failed: 0, queued: 0 });
  assert.deepEqual(warnings, []);
  await tracer.shutdown();
});

test("warnings name the file transport and its file, not a collector", async () => {
  const blocker = join(dir, "not-a-dir");
  writeFileSync(blocker, "");
  const path = join(blocker, "spans.jsonl");
  const warnings: string[] = [];
  const tracer = createTracer({
    transport: new FileTransport({ path, maxQueueSize: 10 }),
    maxQueueSize: 5,
    onWarning: (m) => warnings.push(m),
  });
  for (let i = 0; i < 12; i++) tracer.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: i });
  await tracer.shutdown();
  const text = warnings.join("\n");
  assert.ok(text.includes(`span queue full (10): the file transport to ${path} is not keeping up`), text);
  assert.ok(text.includes(`spans not sent by the file transport to ${path}: ${path}: EEXIST`), text);
  assert.doesNotMatch(text, /collector/);
  assert.equal(tracer.stats().dropped, 2);
});
