import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { FIRST_FIELDS } from "../../schema/span.js";
import { span } from "../testing/conformance-fixtures.js";
import { DuckDbStore } from "./driver.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DRIVER = new URL("./driver.ts", import.meta.url).href;

/** Runs a TypeScript snippet in a child node (through tsx); resolves once it prints `ready`. */
function child(dir: string, name: string, code: string): Promise<ChildProcess> {
  return (async () => {
    const file = join(dir, name);
    await writeFile(file, code);
    const p = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      p.stdout?.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("ready")) resolve();
      });
      p.on("exit", (code) => reject(new Error(`child exited (${code}) before ready: ${out}`)));
    });
    return p;
  })();
}

function killed(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.on("exit", () => resolve());
    p.kill("SIGKILL");
  });
}

describe("duckdb driver", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "tokentrace-duckdb-driver-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("the same file cannot be opened twice in one process; closing releases it", async () => {
    const path = join(dir, "twice.duckdb");
    const a = await DuckDbStore.open(path);
    try {
      await assert.rejects(DuckDbStore.open(path), /already open in this process/);
      await assert.rejects(DuckDbStore.open(join(dir, ".", "twice.duckdb")), /already open in this process/);
      await symlink(path, join(dir, "link.duckdb"));
      await assert.rejects(DuckDbStore.open(join(dir, "link.duckdb")), /already open in this process/);
    } finally {
      await a.close();
    }
    const b = await DuckDbStore.open(path);
    await b.close();
  });

  test("a file held by another process is a clear error", async () => {
    const path = join(dir, "locked.duckdb");
    const holder = await child(
      dir,
      "hold.mts",
      `import { DuckDbStore } from ${JSON.stringify(DRIVER)};
       await DuckDbStore.open(${JSON.stringify(path)});
       console.log("ready");
       setInterval(() => {}, 1000);`,
    );
    try {
      await assert.rejects(DuckDbStore.open(path), /in use by another process/);
    } finally {
      await killed(holder);
    }
    // The lock dies with its process: the file opens now.
    const s = await DuckDbStore.open(path);
    await s.close();
  });

  test("a resolved insert survives SIGKILL right after", async () => {
    const path = join(dir, "crash.duckdb");
    const spans = [span({ attributes: { k: "v" } }), span({ cost_usd: 0.1 })];
    const writer = await child(
      dir,
      "crash.mts",
      `import { DuckDbStore } from ${JSON.stringify(DRIVER)};
       const s = await DuckDbStore.open(${JSON.stringify(path)});
       await s.insert(${JSON.stringify(spans)});
       console.log("ready");
       setInterval(() => {}, 1000);`,
    );
    await killed(writer);
    const s = await DuckDbStore.open(path);
    try {
      assert.deepEqual(await s.getTrace(spans[0].trace_id), [spans[0]]);
      assert.deepEqual(await s.getTrace(spans[1].trace_id), [spans[1]]);
      assert.equal((await s.searchTraces({ attrs: { k: "v" }, limit: 20, offset: 0 })).traces.length, 1);
    } finally {
      await s.close();
    }
  });

  test("/health flapped on a full disk (finding): a failed write is all or nothing and shows in health() until a write of its size succeeds", async () => {
    const s = await DuckDbStore.open(join(dir, "health.duckdb"));
    try {
      assert.deepEqual(s.health(), { ok: true });
      // A cost past DECIMAL(18, 12) makes the write fail inside the database worker.
      await assert.rejects(s.insert([span(), span({ cost_usd: 2_000_000 })]), /cost_usd/);
      const h = s.health();
      assert.equal(h.ok, false);
      assert.match(h.reason ?? "", /last write failed: .*cost_usd/);
      assert.equal(await s.countSpans(), 0);
      assert.equal((await s.probe()).ok, false);
      // a smaller write that fits (one span, alert state) does not clear it: /health must not
      // flap back to 200 on a full disk while normal batches keep failing
      await s.insert([span()]);
      await s.saveAlertState("r", { state: "ok" });
      assert.equal(s.health().ok, false);
      await s.insert([span(), span()]);
      assert.deepEqual(s.health(), { ok: true });
      assert.deepEqual(await s.probe(), { ok: true });
      assert.equal(await s.countSpans(), 3);
    } finally {
      await s.close();
    }
    assert.equal(s.health().ok, false);
    await assert.rejects(s.countSpans(), /closed/);
  });

  test(":memory: opens a throwaway database (no registry, no file)", async () => {
    const a = await DuckDbStore.open(":memory:");
    const b = await DuckDbStore.open(":memory:");
    try {
      await a.insert([span()]);
      assert.equal(await a.countSpans(), 1);
      assert.equal(await b.countSpans(), 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("a file from before ingested_at, id_hash, session_id and user_id opens: same columns, its spans read back, new ones append once", async () => {
    const path = join(dir, "old.duckdb");
    // The spans table as tokentrace 0.3 wrote it (frozen: what files on disk hold), with one span.
    const old = span({ cost_usd: 0.00448, ttft_ms: 120, eval_score: 0.9, attributes: { k: "v" } });
    const db = await DuckDBInstance.create(path);
    const conn = await db.connect();
    await conn.run(`CREATE TABLE spans (trace_id VARCHAR NOT NULL, span_id VARCHAR NOT NULL,
      parent_span_id VARCHAR, name VARCHAR NOT NULL, model VARCHAR, provider VARCHAR,
      prompt_tokens BIGINT NOT NULL, comp_tokens BIGINT NOT NULL, total_tokens BIGINT NOT NULL,
      cached_tokens BIGINT, reasoning_tokens BIGINT, cost_usd DECIMAL(18, 12), latency_ms DOUBLE NOT NULL,
      ttft_ms DOUBLE, status VARCHAR NOT NULL, caller VARCHAR, started_at BIGINT NOT NULL,
      ended_at BIGINT NOT NULL, eval_score DOUBLE, attributes VARCHAR NOT NULL,
      attr_bloom BIGINT NOT NULL DEFAULT -1)`);
    const oldFields = FIRST_FIELDS.map((f) => f.name);
    const values = oldFields.map((f) => (f === "attributes" ? JSON.stringify(old.attributes) : old[f]));
    await conn.run(
      `INSERT INTO spans (${oldFields.join(", ")}) VALUES (${values.map((_, i) => `$${i + 1}`).join(", ")})`,
      values,
    );
    conn.closeSync();
    db.closeSync();

    const s = await DuckDbStore.open(path);
    try {
      const columns = await s.all(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'spans' ORDER BY ordinal_position",
        [],
      );
      assert.deepEqual(
        columns.map((c) => c.column_name),
        [...oldFields, "attr_bloom", "ingested_at", "id_hash", "session_id", "user_id"],
      );
      assert.deepEqual(await s.getTrace(old.trace_id), [old]);
      await s.insert([old]);
      assert.deepEqual(await s.getTrace(old.trace_id), [old]);
      const fresh = span({ cached_tokens: 7, attributes: { k: "w" } });
      await s.insert([fresh]);
      assert.deepEqual(await s.getTrace(fresh.trace_id), [fresh]);
      assert.equal((await s.searchTraces({ attrs: { k: "w" }, limit: 20, offset: 0 })).traces.length, 1);
    } finally {
      await s.close();
    }
  });
});
