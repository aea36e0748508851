import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import type { Span } from "../span/types.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { span } from "../store/testing/conformance-fixtures.js";
import { readManifest } from "./manifest.js";
import { ScheduledExport } from "./schedule.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 15, 0, 0, 0);
let clock = T0;
let dir: string;
let store: MemoryStore;

const exporter = () =>
  new ScheduledExport({
    store,
    dir,
    everyMs: H,
    format: "jsonl",
    now: () => clock,
    onError: (e) => assert.fail(String(e)),
  });
const at = (ms: number) => span({ started_at: ms, ended_at: ms + 100, cost_usd: 0.001 });

function exported(): Span["span_id"][] {
  const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: { file: string }[] };
  return m.files.flatMap((f) =>
    readFileSync(join(dir, f.file), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => (JSON.parse(l) as { span_id: string }).span_id),
  );
}

beforeEach(async () => {
  clock = T0;
  dir = await mkdtemp(join(tmpdir(), "tokentrace-export-"));
  store = new MemoryStore(undefined, { now: () => clock });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a period is exported once it has ended and settled, into one file named after it", async () => {
  clock = T0 + 10 * 60_000;
  const a = at(T0 + 5 * 60_000);
  await store.insert([a]);
  clock = T0 + 50 * 60_000;
  await exporter().run();
  assert.equal(existsSync(join(dir, "manifest.json")), false, "the period has not ended");
  clock = T0 + H + 10_000;
  await exporter().run();
  assert.equal(existsSync(join(dir, "manifest.json")), false, "ended but not settled (30 s)");
  clock = T0 + H + 31_000;
  await exporter().run();
  const m = await readManifest(dir);
  assert.equal(m.files.length, 1);
  assert.equal(m.files[0].file, "spans-2026-03-15T00-00-00-000Z.jsonl");
  assert.equal(m.files[0].rows, 1);
  assert.equal(m.exported_through, "2026-03-15T01:00:00.000Z");
  const bytes = readFileSync(join(dir, m.files[0].file));
  assert.equal(m.files[0].sha256, createHash("sha256").update(bytes).digest("hex"));
  assert.equal(m.files[0].min_started_at, new Date(a.started_at).toISOString());
});

test("late spans go to the next file; restarts never skip or repeat; empty periods get no file", async () => {
  clock = T0 + 10 * 60_000;
  const first = [at(T0 + 1000), at(T0 + 2000)];
  await store.insert(first);
  clock = T0 + H + 60_000;
  await exporter().run();
  // Arrives in hour 1 but started in hour 0, which is already exported.
  const late = at(T0 + 30 * 60_000);
  const onTime = at(T0 + H + 90_000);
  clock = T0 + H + 2 * 60_000;
  await store.insert([late, onTime]);
  // A restart: a new exporter reads the manifest; running twice changes nothing.
  clock = T0 + 2 * H + 60_000;
  await exporter().run();
  await exporter().run();
  // Nothing arrives in hours 2-4; one span in hour 5.
  clock = T0 + 5 * H + 60_000;
  const later = at(T0 + 5 * H);
  await store.insert([later]);
  clock = T0 + 6 * H + 60_000;
  await exporter().run();

  const m = await readManifest(dir);
  assert.deepEqual(
    m.files.map((f) => [f.period_start, f.rows]),
    [
      ["2026-03-15T00:00:00.000Z", 2],
      ["2026-03-15T01:00:00.000Z", 2],
      ["2026-03-15T05:00:00.000Z", 1],
    ],
  );
  assert.equal(m.files[1].min_started_at, new Date(late.started_at).toISOString(), "the late span is in hour 1's file");
  const ids = exported();
  assert.deepEqual([...ids].sort(), [...first, late, onTime, later].map((s) => s.span_id).sort());
  assert.equal(new Set(ids).size, ids.length);
});

test("a crash between writing a file and the manifest rewrites that period, not a second copy", async () => {
  clock = T0 + 10 * 60_000;
  await store.insert([at(T0 + 1000)]);
  clock = T0 + H + 60_000;
  await exporter().run();
  clock = T0 + H + 5 * 60_000;
  await store.insert([at(T0 + H + 1000)]);
  clock = T0 + 2 * H + 60_000;
  const before = readFileSync(join(dir, "manifest.json"), "utf8");
  await exporter().run();
  // Roll the manifest back as if the process died right after the second file was renamed,
  // and leave a half-written file behind as well.
  writeFileSync(join(dir, "manifest.json"), before);
  writeFileSync(join(dir, "spans-2026-03-15T02-00-00-000Z.jsonl.partial"), "{");
  await exporter().run();
  const m = await readManifest(dir);
  assert.deepEqual(
    m.files.map((f) => f.rows),
    [1, 1],
  );
  assert.equal(exported().length, 2);
  assert.equal(existsSync(join(dir, "spans-2026-03-15T02-00-00-000Z.jsonl.partial")), false);
});
