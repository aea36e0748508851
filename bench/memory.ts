// Where the DuckDB store's memory goes as it fills: N spans over 30 days inserted in process
// (8000-span commits, no HTTP), and every --every spans the process RSS and DuckDB's own
// accounting by tag (duckdb_memory(): cached table blocks, the trace-id index, rows not yet
// checkpointed). The span generator streams, so the figures are the store's, not the data's.
// Usage: npx tsx bench/memory.ts [--count 4000000] [--every 1000000]
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Span } from "../src/span/types.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { makeTempDir, removeDir } from "../test/e2e/helpers/server.js";
import { generateSpans } from "./lib/generate.js";

const { values } = parseArgs({
  options: { count: { type: "string", default: "4000000" }, every: { type: "string", default: "1000000" } },
});
const COUNT = Number(values.count);
const EVERY = Number(values.every);
const BATCH = 8000;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const dir = await makeTempDir("tokentrace-bench-memory-");
const store = await DuckDbStore.open(join(dir, "spans.duckdb"));
try {
  const now = Date.now();
  const start = performance.now();
  let batch: Span[] = [];
  let stored = 0;
  for (const s of generateSpans({ count: COUNT, from: now - 30 * 86_400_000, to: now, seed: 7 })) {
    batch.push(s);
    if (batch.length < BATCH) continue;
    await store.insert(batch);
    batch = [];
    stored += BATCH;
    if (stored % EVERY !== 0) continue;
    const tags = await store.all(
      "SELECT tag, memory_usage_bytes AS b FROM duckdb_memory() WHERE memory_usage_bytes > 0 ORDER BY b DESC",
      [],
    );
    console.log(
      `${stored.toLocaleString("en")} spans (${((performance.now() - start) / 1000).toFixed(0)} s): ` +
        `process RSS ${mib(process.memoryUsage().rss)}; DuckDB ${tags.map((t) => `${t.tag} ${mib(Number(t.b))}`).join(", ")}`,
    );
  }
} finally {
  await store.close();
  await removeDir(dir);
}
