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
await t("a) cast bigint", "select count(*) from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT and json_extract_string(attributes, '/request_id') = $2", [m, rid]);
await t("a2) literal", `select count(*) from spans where (attr_bloom & ${m}::BIGINT) = ${m}::BIGINT and json_extract_string(attributes, '/request_id') = $1`, [rid]);
await t("b) rowid in subq", "select count(*) from spans where rowid in (select rowid from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT) and json_extract_string(attributes, '/request_id') = $2", [m, rid]);
const rowids = (await c.runAndReadAll("select rowid from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT", [m])).getRows().map(r => r[0]);
await t("c) rowid list literal", `select count(*) from spans where rowid in (${rowids.join(",")}) and json_extract_string(attributes, '/request_id') = $1`, [rid]);
await t("d) bloom only cast", "select count(*) from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT", [m]);
await t("e) trace_id,started with bloom", "select trace_id, started_at from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT", [m]);
console.log((await c.runAndReadAll(`explain analyze select count(*) from spans where rowid in (${rowids.join(",")}) and json_extract_string(attributes, '/request_id') = $1`, [rid])).getRows().map(r => r[1]).join("\n").split("\n").filter(l => /Type|rows|\d\.\d\ds|Filters|FILTER|SCAN/.test(l)).join("\n"));
