import { DuckDbStore } from "../../src/store/duckdb/index.js";
import { copyFileSync } from "node:fs";
copyFileSync("/work/main/bench/.data/spans-2000000-30d-seed42.duckdb", "/tmp/p10.duckdb");
const s = await DuckDbStore.open("/tmp/p10.duckdb");
const ids = (await s.all("select trace_id from spans using sample 300 rows", [])).map(r => r.trace_id as string);
async function t(label: string, f: (i: number) => Promise<unknown>, n = 300) {
  for (let i = 0; i < 10; i++) await f(i);
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const st = performance.now(); await f(i); xs.push(performance.now() - st); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(30), "median", xs[n >> 1].toFixed(2), "p95", xs[Math.floor(n * 0.95)].toFixed(2));
}
await t("select 1", () => s.all("select 1", []));
await t("trace by id param", (i) => s.all("select * from spans where trace_id = $1", [ids[i % 300]]));
await t("trace by id literal", (i) => s.all(`select * from spans where trace_id = '${ids[i % 300]}'`, []));
await t("trace ordered", (i) => s.all("select * from spans where trace_id = $1 order by started_at, span_id", [ids[i % 300]]));
await t("getTrace", (i) => s.getTrace(ids[i % 300]));
await s.close();
