// Trace lookup and attribute search over 2M spans (30 days) in the DuckDB store.
// Usage: npx tsx bench/traces.ts [--count 2000000] [--runs 200]
// Targets: getTrace median < 5 ms, attribute search median < 50 ms.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import type { TraceQuery } from "../src/store/store.js";
import { generateSpans, prng, WORKFLOWS } from "./lib/generate.js";
import { loadDuckdb } from "./lib/load.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const count = arg("count", 2_000_000);
const runs = arg("runs", 200);

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
  return `median ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${s[s.length - 1].toFixed(2)} ms  (n=${s.length})`;
}

async function time(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await f(i); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    out.push(performance.now() - t);
  }
  return out;
}

const copy = join(tmpdir(), `tokentrace-bench-traces-${process.pid}.duckdb`);
const data = await loadDuckdb(undefined, count, { copyTo: copy });
const store = await DuckDbStore.open(copy);
try {
  // Sample ids from the same deterministic stream the file was built from.
  const r = prng(7);
  const picks = new Set(Array.from({ length: runs }, () => Math.floor(r() * count)));
  const traceIds: string[] = [];
  const requestIds: string[] = [];
  let i = 0;
  for (const s of generateSpans({ count, from: data.from, to: data.to, seed: data.seed })) {
    if (picks.has(i)) {
      traceIds.push(s.trace_id);
      requestIds.push(String(s.attributes.request_id));
    }
    if (++i >= count) break;
  }
  console.log(`spans ${await store.countSpans()}  (machine: 2 cores, Node ${process.version})`);

  const found = await store.getTrace(traceIds[0]);
  if (found.length === 0) throw new Error("sampled trace not found: the fixture does not match the generator");
  // First lookups read index nodes and row groups from the file; repeats find them cached.
  const lookup = await time(traceIds.length, (k) => store.getTrace(traceIds[k % traceIds.length]));
  console.log(`getTrace(id) first lookup    ${stats(lookup)}`);
  const again = await time(traceIds.length, (k) => store.getTrace(traceIds[k % traceIds.length]));
  console.log(`getTrace(id) repeated        ${stats(again)}`);

  const q = (attrs: Record<string, string>, extra: Partial<TraceQuery> = {}): TraceQuery => ({
    attrs,
    limit: 20,
    offset: 0,
    ...extra,
  });
  const byRequest = await time(Math.min(100, requestIds.length), (k) =>
    store.searchTraces(q({ request_id: requestIds[k % requestIds.length] })),
  );
  console.log(`search attr.request_id       ${stats(byRequest)}`);
  const byWorkflow = await time(50, (k) => store.searchTraces(q({ workflow: WORKFLOWS[k % WORKFLOWS.length] })));
  console.log(`search attr.workflow         ${stats(byWorkflow)}`);
  const byModelErr = await time(50, () =>
    store.searchTraces({ model: "gpt-4o", status: "error", limit: 50, offset: 0 }),
  );
  console.log(`search model+status limit 50 ${stats(byModelErr)}`);
  const deep = await time(20, (k) =>
    store.searchTraces(q({ workflow: WORKFLOWS[k % WORKFLOWS.length] }, { offset: 180 })),
  );
  console.log(`search attr.workflow off 180 ${stats(deep)}`);
  const none = await time(20, () => store.searchTraces(q({ workflow: "no-such-workflow" })));
  console.log(`search no match              ${stats(none)}`);
  const offset1000 = await time(10, () => store.searchTraces({ limit: 200, offset: 1000 }));
  console.log(`search limit 200 offset 1000 ${stats(offset1000)}`);
  // Cursor pages: the time of a page should not grow with its depth.
  for (const filter of [{}, { model: "gpt-4o" }] as Partial<TraceQuery>[]) {
    const times: number[] = [];
    let after: TraceQuery["after"];
    for (let page = 0; page < 100; page++) {
      const t = performance.now();
      const r = await store.searchTraces({ ...filter, limit: 200, offset: 0, after });
      times.push(performance.now() - t);
      const last = r.traces.at(-1);
      if (!r.hasMore || last === undefined) break;
      after = { start: last[0].started_at, traceId: last[0].trace_id };
    }
    const name = JSON.stringify(filter);
    console.log(`cursor ${name} pages 1-10       ${stats(times.slice(0, 10))}`);
    console.log(`cursor ${name} pages 91-100     ${stats(times.slice(-10))}  (depth ${times.length * 200})`);
  }
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await store.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
