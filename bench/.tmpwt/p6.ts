import { DuckDBInstance } from "@duckdb/node-api";
import { attrMask } from "../../src/store/duckdb/bloom.js";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
async function t(label: string, sql: string, params: any[] = [], n = 7) {
  const xs: number[] = [];
  let out: any;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, params); out = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms", String(out).slice(0, 40));
}
const rid = (await c.runAndReadAll("select json_extract_string(attributes,'/request_id') r from spans where rowid = 1234567")).getRowObjects()[0].r as string;
const m = attrMask({ request_id: rid });
const rowids = (await c.runAndReadAll("select rowid from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT", [m])).getRows().map(r => r[0]);
for (const n of [10, 50, 200, 1000]) {
  await t(`rowid in list ${n}`, `select trace_id, started_at, attributes from spans where rowid in (${rowids.slice(0, n).join(",")})`);
}
await t(`rowid = any(list) 1000`, `select trace_id, started_at, attributes from spans where rowid = ANY([${rowids.slice(0, 1000).join(",")}])`);
await t(`one rowid`, `select trace_id, started_at, attributes from spans where rowid = ${rowids[5]}`);
await t(`json check over all (no bloom)`, `select count(*) from spans where json_extract_string(attributes, '/request_id') = $1`, [rid]);
await t(`strlen all`, `select sum(strlen(attributes)) from spans`);
await t(`attributes = const`, `select count(*) from spans where attributes = $1`, [rid]);
console.log((await c.runAndReadAll(`explain analyze select trace_id, started_at, attributes from spans where rowid in (${rowids.slice(0, 50).join(",")})`)).getRows().map(r => r[1]).join("\n").split("\n").filter(l => /Type|rows|\d\.\d\ds|Filters|FILTER|SCAN|JOIN|rowid/.test(l)).join("\n"));
