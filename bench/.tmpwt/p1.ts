import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create("/work/main/bench/.data/spans-2000000-30d-seed42.duckdb", { access_mode: "READ_ONLY" });
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 5) {
  const xs: number[] = [];
  let rows = 0;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); rows = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms rows", rows);
}
const tid = (await c.runAndReadAll("select trace_id from spans using sample 1 rows")).getRowObjects()[0].trace_id as string;
const rid = (await c.runAndReadAll("select json_extract_string(attributes,'/request_id') r from spans where rowid = 1234567")).getRowObjects()[0].r as string;
console.log(tid, rid);
await t("trace by param", "select * from spans where trace_id = $1", [tid]);
await t("trace literal", `select * from spans where trace_id = '${tid}'`);
console.log((await c.runAndReadAll("explain select * from spans where trace_id = $1", [tid])).getRowObjects().map(r => r.explain_value).join("\n"));
await t("contains only", "select count(*) from spans where contains(attributes, $1)", [rid]);
await t("contains+json", "select count(*) from spans where contains(attributes, $1) and json_extract_string(attributes, '/request_id') = $2", [rid, rid]);
await t("like", "select count(*) from spans where attributes like $1", ["%" + rid + "%"]);
await t("count workflow", "select count(*) from spans where contains(attributes, 'summarize') and json_extract_string(attributes, '/workflow') = 'summarize'");
await t("distinct tid workflow", "select count(distinct trace_id) from spans where contains(attributes, 'summarize') and json_extract_string(attributes, '/workflow') = 'summarize'");
await t("scan trace_id min", "select trace_id, min(started_at) from spans group by trace_id order by 2 desc limit 21");
await t("workflow recent day", "select count(*) from spans where started_at > $1 and contains(attributes, 'summarize') and json_extract_string(attributes, '/workflow') = 'summarize'", [1795763820000n - 86400000n]);
await t("row group count", "select count(*) from pragma_storage_info('spans')");
