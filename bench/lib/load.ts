// Fills a DuckDB file with generated spans for benchmarks, cached under bench/.data/.
// Direct bulk load (appender on this thread, index built afterwards): fixture speed,
// not the server's ingest path.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { appendSpans } from "../../src/store/duckdb/append.js";
import { DuckDbStore } from "../../src/store/duckdb/driver.js";
import { readStatus } from "../../src/store/duckdb/rollup-maintain.js";
import { SCHEMA_SQL } from "../../src/store/duckdb/schema.js";
import type { Dimensions } from "../../src/store/rollup/dimensions.js";
import { generateSpans } from "./generate.js";

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", ".data");
const DAY = 86_400_000;

export interface LoadOptions {
  days?: number;
  seed?: number;
  /** Rebuild a cached file older than this (the window ends at build time). Default 1 day. */
  maxAgeMs?: number;
  /** Copy the cached file here and return that path: a private, writable store for one bench. */
  copyTo?: string;
  /** Declared dimensions the cached file's rollups are built with (default BENCH_DIMENSIONS). */
  dimensions?: Dimensions;
}

/** The dimensions the benches declare: workflow, as a user grouping cost by it would. */
export const BENCH_DIMENSIONS: Dimensions = { names: ["workflow"], maxValues: 1000 };

// Rollups are built once per cached file (a rebuild of 10M spans takes minutes), through
// the store's own rebuild, so the bench reads what a server would have built at ingest.
async function ensureRollups(file: string, dimensions: Dimensions): Promise<void> {
  const store = await DuckDbStore.open(file, { dimensions, rebuild: "none" });
  try {
    if ((await readStatus((sql, params) => store.all(sql, params), dimensions)).ready) return;
    const t0 = performance.now();
    await store.rebuildRollups((p) => {
      if (p.next !== null && p.first !== null && p.last !== null) {
        process.stderr.write(`\rrollups: day ${(p.next - p.first) / DAY}/${(p.last - p.first) / DAY + 1}`);
      }
    });
    process.stderr.write(`\rrollups built in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  } finally {
    await store.close();
  }
}

export interface LoadedData {
  path: string;
  count: number;
  /** Spans start in [from, to). */
  from: number;
  to: number;
  seed: number;
}

/**
 * A DuckDB file holding `count` generated spans over the last `days` days.
 * Built once (2M spans take about a minute), then reused from bench/.data/.
 * The cached file is shared: open it read-only, or pass `copyTo` for a private copy.
 *
 * @example const data = await loadDuckdb(undefined, 2_000_000, { copyTo: "/tmp/b.duckdb" });
 */
export async function loadDuckdb(path?: string, count = 2_000_000, o: LoadOptions = {}): Promise<LoadedData> {
  const days = o.days ?? 30;
  const seed = o.seed ?? 42;
  const file = path ?? join(DATA_DIR, `spans-${count}-${days}d-seed${seed}.duckdb`);
  const metaFile = `${file}.json`;
  let meta: LoadedData | null = null;
  if (existsSync(file) && existsSync(metaFile)) {
    meta = JSON.parse(readFileSync(metaFile, "utf8")) as LoadedData;
    if (Date.now() - meta.to > (o.maxAgeMs ?? DAY)) meta = null;
  }
  if (meta === null) meta = await build(file, count, days, seed);
  await ensureRollups(file, o.dimensions ?? BENCH_DIMENSIONS);
  if (o.copyTo === undefined) return meta;
  rmSync(`${o.copyTo}.wal`, { force: true });
  copyFileSync(file, o.copyTo);
  return { ...meta, path: o.copyTo };
}

async function build(file: string, count: number, days: number, seed: number): Promise<LoadedData> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.wal`, { force: true });
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  const from = to - days * DAY;
  const t0 = performance.now();
  const db = await DuckDBInstance.create(tmp);
  const conn = await db.connect();
  await conn.run(SCHEMA_SQL);
  // Building the ART index once after the load is much faster than maintaining it per row.
  await conn.run("DROP INDEX spans_trace_id");
  const all = generateSpans({ count, from, to, seed });
  const it = all[Symbol.iterator]();
  const batch = 100_000;
  for (let done = 0; done < count; done += batch) {
    const chunk = [];
    for (let i = 0; i < batch; i++) {
      const n = it.next();
      if (n.done) break;
      chunk.push(n.value);
    }
    await appendSpans(conn, chunk);
    process.stderr.write(`\rloading ${Math.min(done + batch, count)}/${count} spans`);
  }
  await conn.run("CREATE INDEX spans_trace_id ON spans (trace_id)");
  await conn.run("CHECKPOINT");
  conn.closeSync();
  db.closeSync();
  renameSync(tmp, file);
  const meta: LoadedData = { path: file, count, from, to, seed };
  writeFileSync(`${file}.json`, JSON.stringify(meta));
  process.stderr.write(`\rloaded ${count} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return meta;
}
