import assert from "node:assert/strict";
import { appendFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { HOUR_MS } from "../rollup/plan.js";
import { contentRow } from "../testing/conformance-content.js";
import { span, T0 } from "../testing/conformance-fixtures.js";
import { logContent } from "./content-append.js";
import { ContentLog, decodeRecord } from "./content-log.js";
import { encodeContent } from "./content-schema.js";
import { MemorySegments } from "./content-segments.js";
import { DuckDbStore } from "./driver.js";

const say = (text: string, started_at = T0) =>
  contentRow({ started_at, input: [{ role: "user", parts: [{ type: "text", content: text }] }] });

async function withDir(body: (path: string, logDir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tokentrace-content-log-"));
  try {
    await body(join(dir, "spans.duckdb"), join(dir, "spans.duckdb.content"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const segmentFile = (logDir: string, hour: number) => join(logDir, `${new Date(hour).toISOString().slice(0, 13)}.log`);

test("content log: a torn tail left by a crash is cut at the next open and never read", async () => {
  await withDir(async (path, logDir) => {
    const first = say("first parcel");
    let store = await DuckDbStore.open(path);
    await store.content.insertContent([first]);
    await store.close();
    const file = segmentFile(logDir, T0);
    const committed = statSync(file).size;
    // A crash after the log's sync and before DuckDB's commit: a whole record no index row
    // points at, then half of another.
    const orphan = encodeContent([say("orphan parcel")]).columns;
    const mem = new ContentLog(new MemorySegments());
    const { positions } = mem.write(orphan);
    const bytes = mem.segments.read(T0 - (T0 % HOUR_MS), 0, positions.length[0]) as Buffer;
    appendFileSync(file, bytes);
    appendFileSync(file, bytes.subarray(0, 30));
    store = await DuckDbStore.open(path);
    try {
      assert.equal(statSync(file).size, committed);
      const second = say("second parcel", T0 + 1);
      await store.content.insertContent([second]);
      assert.deepEqual(await store.content.getContent(first.trace_id), [first]);
      assert.deepEqual(await store.content.getContent(second.trace_id), [second]);
      const find = (text: string) => store.content.searchContent({ text, since: T0 - 1, until: T0 + 2, limit: 5 });
      assert.deepEqual(await find("parcel"), [second.trace_id, first.trace_id]);
      assert.deepEqual(await find("orphan"), []);
    } finally {
      await store.close();
    }
  });
});

test("content log: a failed commit cuts its records off the log again", async () => {
  const log = new ContentLog(new MemorySegments());
  const hour = T0 - (T0 % HOUR_MS);
  const kept = encodeContent([say("kept")]).columns;
  await logContent(log, kept, async () => 1);
  const size = log.segments.size(hour);
  assert.ok(size > 0);
  const failed = encodeContent([say("failed"), say("failed too", T0 + HOUR_MS)]).columns;
  await assert.rejects(
    logContent(log, failed, async () => {
      assert.ok(log.segments.size(hour) > size);
      throw new Error("commit failed");
    }),
    /commit failed/,
  );
  assert.equal(log.segments.size(hour), size);
  assert.equal(log.segments.size(hour + HOUR_MS), 0);
  assert.deepEqual(
    decodeRecord(log.segments.read(hour, 0, size) as Buffer).texts[0],
    JSON.stringify(say("kept").input),
  );
});

test("content log: retention deletes whole expired segment files and index rows, spans stay", async () => {
  await withDir(async (path, logDir) => {
    const hour = T0 - (T0 % HOUR_MS);
    const old = say("old", hour - 3 * HOUR_MS);
    const straddling = say("straddling", hour - HOUR_MS + 10);
    const edge = say("edge", hour - HOUR_MS + 20);
    const sp = span({ trace_id: old.trace_id, span_id: old.span_id, started_at: old.started_at });
    const store = await DuckDbStore.open(path);
    try {
      await store.insert([sp], [old]);
      await store.content.insertContent([straddling, edge]);
      assert.equal(readdirSync(logDir).length, 2);
      assert.equal(await store.content.deleteContentBefore(edge.started_at), 2);
      // the hour of `old` is gone whole; the hour holding the cut stays for `edge`
      assert.equal(existsSync(segmentFile(logDir, old.started_at)), false);
      assert.equal(existsSync(segmentFile(logDir, edge.started_at)), true);
      assert.deepEqual(await store.content.getContent(old.trace_id), []);
      assert.deepEqual(await store.content.getContent(straddling.trace_id), []);
      assert.deepEqual(await store.content.getContent(edge.trace_id), [edge]);
      const all = await store.content.searchContent({ text: "d", since: old.started_at - 1, until: T0, limit: 9 });
      assert.deepEqual(all, [edge.trace_id]);
      assert.deepEqual(await store.getTrace(sp.trace_id), [sp]);
      assert.equal(await store.content.deleteContentBefore(hour), 1);
      assert.deepEqual(readdirSync(logDir), []);
    } finally {
      await store.close();
    }
  });
});

test("content log: content kept in the span_content table of an older file moves to the log", async () => {
  await withDir(async (path, logDir) => {
    const row = contentRow({ redactions: 2, truncated_bytes: 9, tools: [{ type: "function", name: "f" }] });
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run(`CREATE TABLE span_content (trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL,
      started_at BIGINT NOT NULL, input VARCHAR, output VARCHAR, system VARCHAR, tools VARCHAR,
      redactions INTEGER NOT NULL, truncated_bytes BIGINT NOT NULL)`);
    await c.run("INSERT INTO span_content VALUES ($1, $2, $3, $4, $5, NULL, $6, 2, 9)", [
      row.trace_id,
      row.span_id,
      row.started_at,
      JSON.stringify(row.input),
      JSON.stringify(row.output),
      JSON.stringify(row.tools),
    ]);
    c.closeSync();
    db.closeSync();
    const store = await DuckDbStore.open(path);
    try {
      assert.deepEqual(await store.content.getContent(row.trace_id), [row]);
      assert.deepEqual(await store.all("SELECT * FROM duckdb_tables() WHERE table_name = 'span_content'", []), []);
      assert.equal(readdirSync(logDir).length, 1);
    } finally {
      await store.close();
    }
  });
});
