import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 5) {
  const xs: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); rows = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms rows", rows, JSON.stringify(String((await c.runAndReadAll(sql, params)).getRows()[0]?.[0] ?? "")).slice(0, 40));
}
await c.run("CREATE SCHEMA IF NOT EXISTS m"); await c.run("DROP TABLE IF EXISTS m.h");
let s = performance.now();
await c.run(`CREATE TABLE m.h AS SELECT trace_id, started_at, [hash('workflow', json_extract_string(attributes,'/workflow')), hash('request_id', json_extract_string(attributes,'/request_id')), hash('user_id', json_extract_string(attributes,'/user_id')), hash('eval.score', json_extract_string(attributes,'/eval.score'))]::UBIGINT[] AS hs FROM spans`);
console.log("build", performance.now() - s);
const rid = 'req-2a-0012d687';
const hr = (await c.runAndReadAll(`select hash('request_id', '${rid}')::UBIGINT h`)).getRows()[0][0];
const hw = (await c.runAndReadAll(`select hash('workflow', 'summarize')::UBIGINT h`)).getRows()[0][0];
await t("list_contains rid", "select count(*) from m.h where list_contains(hs, $1)", [hr]);
await t("list_has_any rid", "select count(*) from m.h where $1 = ANY(hs)", [hr]);
await t("list_contains wf", "select count(*) from m.h where list_contains(hs, $1)", [hw]);
await t("scan trace_id min mem", "select trace_id, min(started_at) from m.h group by trace_id order by 2 desc limit 21");
await t("contains varchar again", "select count(*) from spans where contains(attributes, $1)", [rid]);
await t("count(*)", "select count(*) from spans");
await t("sum len attributes", "select sum(strlen(attributes)) from spans");
