import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
