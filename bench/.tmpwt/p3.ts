import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 7) {
  const xs: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); rows = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms rows", rows);
}
const ids = (await c.runAndReadAll("select trace_id from spans using sample 200 rows")).getRows().map(r => r[0] as string);
const lit = (xs: string[]) => xs.map(x => `'${x}'`).join(",");
await t("in-list 20 literal", `select trace_id, min(started_at) from spans where trace_id in (${lit(ids.slice(0, 20))}) group by 1`);
await t("in-list 200 literal", `select trace_id, min(started_at) from spans where trace_id in (${lit(ids)}) group by 1`);
await t("one literal", `select * from spans where trace_id = '${ids[0]}'`);
await t("one param", `select * from spans where trace_id = $1`, [ids[1]]);
await t("max started", `select max(started_at) from spans`);
await t("window 1h filter", `select trace_id, started_at from spans where started_at >= (select max(started_at) from spans) - 3600000 and json_extract_string(attributes, '/workflow') = 'summarize'`);
