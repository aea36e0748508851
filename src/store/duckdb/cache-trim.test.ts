import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { pinMemoryLimit, TrimGate, trimCache } from "./cache-trim.js";

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

/** A DuckDB file in a temp dir with a table `t`, its limit pinned; all gone afterwards. */
async function withFile(
  options: Record<string, string>,
  f: (c: DuckDBConnection, limit: number, shown: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-cache-trim-"));
  const inst = await DuckDBInstance.create(join(dir, "t.duckdb"), options);
  const c = await inst.connect();
  try {
    const limit = await pinMemoryLimit(c);
    await c.run("CREATE TABLE t (a VARCHAR, b BIGINT)");
    await f(c, limit, await shownLimit(c));
  } finally {
    c.closeSync();
    inst.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

test("a trim evicts cached table blocks down to the budget, puts the limit back, and loses no row", async () => {
  await withFile({}, async (c, limit, shown) => {
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
  });
});

test("a trim that cannot reach its budget evicts what it can and still puts the limit back", async () => {
  await withFile({ checkpoint_threshold: "1GB" }, async (c, limit, shown) => {
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
  });
});

test("a trim never runs beside a read: it holds new reads, waits for running ones, or gives up its turn", async () => {
  const gate = new TrimGate(50);
  const events: string[] = [];
  let finishRead = () => {};
  const running = gate.read(
    () =>
      new Promise<void>((r) => {
        events.push("read 1 starts");
        finishRead = () => {
          events.push("read 1 ends");
          r();
        };
      }),
  );
  const trimmed = gate.trim(async () => {
    events.push("trim");
  });
  const later = gate.read(async () => {
    events.push("read 2");
  });
  setTimeout(() => finishRead(), 10);
  assert.equal(await trimmed, true);
  await Promise.all([running, later]);
  assert.deepEqual(events, ["read 1 starts", "read 1 ends", "trim", "read 2"]);

  // a read longer than the wait: the trim gives up, and holds nobody back after that
  let endLong = () => {};
  const long = gate.read(
    () =>
      new Promise<void>((r) => {
        endLong = r;
      }),
  );
  let ran = false;
  assert.equal(
    await gate.trim(async () => {
      ran = true;
    }),
    false,
  );
  assert.equal(ran, false);
  assert.equal(await gate.read(async () => "after"), "after");
  endLong();
  await long;

  // a failing trim lets reads go on
  assert.equal(await gate.trim(() => Promise.reject(new Error("trim failed"))), true);
  assert.equal(await gate.read(async () => 1), 1);
});
