import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 7) {
  const xs: number[] = [];
  let out: any;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); out = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms", String(out).slice(0, 40));
}
await c.run("DROP TABLE IF EXISTS span_attrs");
let s = performance.now();
await c.run(`CREATE TABLE span_attrs AS SELECT (hash(k.key || chr(0) || json_extract_string(attributes, '/' || k.key)) // 2)::BIGINT AS h, trace_id, span_id, started_at
  FROM spans, (SELECT unnest(['workflow','request_id','user_id','eval.score']) AS key) k WHERE json_extract_string(attributes, '/' || k.key) IS NOT NULL ORDER BY started_at`);
console.log("build", performance.now() - s);
await t("count", "select count(*) from span_attrs");
const rid = (await c.runAndReadAll("select json_extract_string(attributes,'/request_id') r from spans where rowid = 1234567")).getRowObjects()[0].r as string;
const h = (await c.runAndReadAll(`select (hash('request_id' || chr(0) || '${rid}') // 2)::BIGINT`)).getRows()[0][0];
const hw = (await c.runAndReadAll(`select (hash('workflow' || chr(0) || 'chat') // 2)::BIGINT`)).getRows()[0][0];
await t("h = rid", "select trace_id, span_id, started_at from span_attrs where h = $1", [h]);
await t("h = rid group", "select trace_id, min(started_at) m from span_attrs where h = $1 group by 1 order by m desc limit 21", [h]);
await t("h = wf 1h window group", "select trace_id, min(started_at) m from span_attrs where h = $1 and started_at >= $2 group by 1 order by m desc limit 31", [hw, 1795764240000n - 3600000n]);
await t("h = wf all group", "select trace_id, min(started_at) m from span_attrs where h = $1 group by 1 order by m desc limit 31", [hw]);
await t("storage bytes", "select sum(estimated_size) from duckdb_tables() where table_name='span_attrs'");
console.log((await c.runAndReadAll("select table_name, estimated_size from duckdb_tables()")).getRows());
await c.run("CHECKPOINT");
