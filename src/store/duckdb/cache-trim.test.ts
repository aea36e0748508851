import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { pinMemoryLimit, trimCache } from "./cache-trim.js";

const MiB = 2 ** 20;

async function cachedBytes(c: DuckDBConnection): Promise<number> {
  const rows = (
    await c.runAndReadAll(
      "SELECT coalesce(sum(memory_usage_bytes), 0) AS b FROM duckdb_memory() WHERE tag = 'BASE_TABLE'",
    )
  ).getRowObjects();
  return Number(rows[0].b);
}

const shownLimit = async (c: DuckDBConnection) =>
  String((await c.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjects()[0].m);

test("a trim evicts cached table blocks down to the budget, puts the limit back, and loses no row", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-cache-trim-"));
  const inst = await DuckDBInstance.create(join(dir, "t.duckdb"));
  const c = await inst.connect();
  try {
    const limit = await pinMemoryLimit(c);
    const shown = await shownLimit(c);
    await c.run("CREATE TABLE t (a VARCHAR, b BIGINT)");
    await c.run("INSERT INTO t SELECT uuid()::VARCHAR, range FROM range(1000000)");
    await c.run("CHECKPOINT");
    assert.ok((await cachedBytes(c)) > 16 * MiB, "the checkpoint leaves its blocks cached");

    await trimCache(c, limit, 4 * MiB);
    assert.ok((await cachedBytes(c)) <= 4 * MiB, `cached after the trim: ${await cachedBytes(c)} bytes`);
    assert.equal(await shownLimit(c), shown);

    // the evicted blocks are read back from the file when needed
    await c.run("INSERT INTO t SELECT uuid()::VARCHAR, range FROM range(1000)");
    const [row] = (await c.runAndReadAll("SELECT count(*) AS n, sum(b) AS s FROM t")).getRowObjects();
    assert.equal(Number(row.n), 1_001_000);
    assert.equal(Number(row.s), 999_999 * 500_000 + 999 * 500);
  } finally {
    c.closeSync();
    inst.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a trim that cannot reach its budget evicts what it can and still puts the limit back", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-cache-trim-"));
  const inst = await DuckDBInstance.create(join(dir, "t.duckdb"), { checkpoint_threshold: "1GB" });
  const c = await inst.connect();
  try {
    const limit = await pinMemoryLimit(c);
    const shown = await shownLimit(c);
    await c.run("CREATE TABLE t (a VARCHAR, b BIGINT)");
    await c.run("INSERT INTO t SELECT uuid()::VARCHAR, range FROM range(500000)");
    await c.run("CHECKPOINT");
    // rows not checkpointed yet (and this index) must stay in memory whatever the limit
    await c.run("CREATE INDEX t_a ON t (a)");
    await c.run("INSERT INTO t SELECT uuid()::VARCHAR, range FROM range(200000)");
    await trimCache(c, limit, 0);
    assert.ok((await cachedBytes(c)) <= MiB);
    assert.equal(await shownLimit(c), shown);
    await c.run("INSERT INTO t SELECT uuid()::VARCHAR, range FROM range(200000)");
    const [row] = (await c.runAndReadAll("SELECT count(*) AS n FROM t")).getRowObjects();
    assert.equal(Number(row.n), 900_000);
  } finally {
    c.closeSync();
    inst.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
});
