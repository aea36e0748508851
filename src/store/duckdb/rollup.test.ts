import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { prng } from "../../util/random.js";
import { MemoryStore } from "../memory/memory-store.js";
import type { Dimensions } from "../rollup/dimensions.js";
import { DAY_MS, HOUR_MS } from "../rollup/plan.js";
import type { SummaryQuery } from "../store.js";
import { compare, randomSpan, rollupConformance } from "../testing/conformance-rollup.js";
import { DuckDbStore } from "./driver.js";
import { compactSql } from "./rollup-maintain.js";

rollupConformance(
  "duckdb",
  async (dimensions) => {
    const store = await DuckDbStore.open(":memory:", { dimensions });
    return { store, cleanup: () => store.close() };
  },
  [1, 2, 3],
  (store, through) => (store as DuckDbStore).settleBins(through),
);

test("duckdb: bins settled before a restart stay settled, later hours settle after it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tt-bins-"));
  const path = join(dir, "s.duckdb");
  const dimensions: Dimensions = { names: ["user"], maxValues: 6 };
  const memory = new MemoryStore(dimensions);
  const t0 = Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
  const r = prng(9);
  let n = 0;
  const spans = (count: number) => Array.from({ length: count }, () => randomSpan(r, n++, t0, t0 + 2 * DAY_MS));
  // Sketched percentiles (more spans a row than exactLimit) over whole hours and days.
  const qs: SummaryQuery[] = [
    { from: t0, to: t0 + 2 * DAY_MS, filter: {}, exactLimit: 10 },
    { from: t0, to: t0 + 2 * DAY_MS, filter: {}, groupBy: { column: "model" }, exactLimit: 10 },
    { from: t0 + 3 * HOUR_MS, to: t0 + DAY_MS + 9 * HOUR_MS, filter: {}, stepMs: 6 * HOUR_MS, exactLimit: 10 },
  ];
  try {
    let store = await DuckDbStore.open(path, { dimensions });
    for (const batch of [spans(300), spans(300)]) {
      await store.insert(batch);
      await memory.insert(batch);
    }
    await store.settleBins(t0 + DAY_MS + 10 * HOUR_MS);
    await store.close();

    store = await DuckDbStore.open(path, { dimensions });
    const [mark] = await store.all("SELECT v FROM rollup_state WHERE k = 'bins_through'", []);
    assert.equal(Number(mark.v), t0 + DAY_MS + 10 * HOUR_MS);
    const late = spans(300);
    await store.insert(late);
    await memory.insert(late);
    await compare(store, memory, qs, "after restart");
    await store.settleBins(t0 + 2 * DAY_MS);
    await compare(store, memory, qs, "all settled");
    await store.close();
  } finally {
    await memory.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("duckdb: a file from before bins_through counts every hour before the current one as binned", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tt-bins-"));
  const path = join(dir, "s.duckdb");
  try {
    let store = await DuckDbStore.open(path);
    await store.all("SELECT 1", []);
    await store.close();
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run("DELETE FROM rollup_state WHERE k = 'bins_through'");
    conn.closeSync();
    db.closeSync();
    const before = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    store = await DuckDbStore.open(path);
    const [mark] = await store.all("SELECT v FROM rollup_state WHERE k = 'bins_through'", []);
    assert.ok(Number(mark.v) >= before && Number(mark.v) <= Date.now(), `bins_through ${mark.v}`);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("duckdb: late spans mark their buckets stale until re-projected; compaction merges bin rows; no figure changes", async () => {
  const dimensions: Dimensions = { names: ["workflow"], maxValues: 100 };
  const store = await DuckDbStore.open(":memory:", { dimensions });
  const memory = new MemoryStore(dimensions);
  // Two days ago: every bucket is over, so the bins are written at ingest (late spans).
  const day = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
  const r = prng(4);
  let n = 0;
  // sketched percentiles: with no key, one key (group-by, filter, dimension), two keys
  const qs: SummaryQuery[] = [
    { from: day, to: day + DAY_MS, filter: {}, exactLimit: 10 },
    { from: day, to: day + DAY_MS, filter: {}, groupBy: { column: "model" }, exactLimit: 10 },
    { from: day, to: day + DAY_MS, filter: {}, groupBy: { attr: "workflow" }, exactLimit: 10 },
    { from: day, to: day + DAY_MS, filter: { caller: "svc-a" }, exactLimit: 10 },
    { from: day, to: day + DAY_MS, filter: { caller: "svc-a" }, groupBy: { column: "model" }, exactLimit: 10 },
    { from: day + HOUR_MS, to: day + 5 * HOUR_MS, filter: {}, stepMs: HOUR_MS, exactLimit: 10 },
  ];
  const count = async (sql: string) => Number((await store.all(`SELECT count(*) AS n FROM ${sql}`, []))[0].n);
  const duplicates = async () =>
    (await count(`rollup_bins WHERE res = ${DAY_MS} AND bucket = ${day}`)) -
    (await count(
      `(SELECT DISTINCT model, provider, caller, status, dims, col, bin FROM rollup_bins WHERE res = ${DAY_MS} AND bucket = ${day})`,
    ));
  // the worker's own statements, as it queues them after an insert (driver.ts keeps batch private)
  const run = (statements: { sql: string; params: unknown[] }[]) =>
    (store as unknown as { batch(s: typeof statements): Promise<number[]> }).batch(statements);
  try {
    for (let i = 0; i < 3; i++) {
      const batch = Array.from({ length: 1500 }, () => randomSpan(r, n++, day, day + DAY_MS));
      await store.insert(batch);
      await memory.insert(batch);
    }
    assert.ok((await count("rollup_stale")) > 0, "late spans mark their buckets");
    assert.equal(await count("rollup_bins_by"), 0, "not projected yet");
    await compare(store, memory, qs, "stale buckets read from rollup_bins");
    await store.settleBins(Date.now());
    assert.equal(await count("rollup_stale"), 0);
    assert.ok((await count(`rollup_bins_by WHERE res = ${DAY_MS} AND bucket = ${day} AND key = ''`)) > 0);
    await compare(store, memory, qs, "projected");
    assert.ok((await duplicates()) > 0, "each batch appended its own bin rows");
    await run(compactSql(DAY_MS, day));
    assert.equal(await duplicates(), 0);
    await compare(store, memory, qs, "compacted");
  } finally {
    await store.close();
    await memory.close();
  }
});
