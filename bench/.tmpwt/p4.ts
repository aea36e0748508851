import { DuckDBInstance } from "@duckdb/node-api";
import { attrMask } from "../../src/store/duckdb/bloom.js";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 7) {
  const xs: number[] = [];
  let out: any;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); out = r.getRows()[0]?.[0]; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms", String(out).slice(0, 40));
}
const rid = (await c.runAndReadAll("select json_extract_string(attributes,'/request_id') r from spans where rowid = 1234567")).getRowObjects()[0].r as string;
const m = attrMask({ request_id: rid });
await t("bloom count", "select count(*) from spans where (attr_bloom & $1) = $1", [m]);
await t("bloom+json count", "select count(*) from spans where (attr_bloom & $1) = $1 and json_extract_string(attributes, '/request_id') = $2", [m, rid]);
await t("bloom+json group", "select trace_id, min(started_at) m from spans where (attr_bloom & $1) = $1 and json_extract_string(attributes, $3) = $2 group by trace_id order by m desc limit 21", [m, rid, "/request_id"]);
const mw = attrMask({ workflow: "chat" });
await t("bloom wf count", "select count(*) from spans where (attr_bloom & $1) = $1", [mw]);
await t("bloom-all count", "select count(*) from spans where attr_bloom = -1");
await t("storage", "select count(*), sum(count) from pragma_storage_info('spans') where column_name='attr_bloom'");
console.log((await c.runAndReadAll("explain analyze select count(*) from spans where (attr_bloom & $1) = $1 and json_extract_string(attributes, '/request_id') = $2", [m, rid])).getRows().map(r => r[1]).join("\n"));
