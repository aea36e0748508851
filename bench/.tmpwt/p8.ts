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
await t("Q1 started_at by bloom", "select started_at from spans where (attr_bloom & $1::BIGINT) = $1::BIGINT", [m]);
for (const n of [1, 10, 100, 300]) {
  const ts = (await c.runAndReadAll(`select started_at from spans using sample ${n} rows`)).getRows().map(r => r[0]);
  await t(`Q2 ANY ts ${n}`, `select trace_id, started_at, attributes from spans where started_at = ANY([${ts.join(",")}]) and (attr_bloom & $1::BIGINT) = $1::BIGINT and json_extract_string(attributes, '/request_id') = $2`, [m, rid]);
  await t(`Q2 IN ts ${n}`, `select trace_id, started_at, attributes from spans where started_at IN (${ts.join(",")}) and (attr_bloom & $1::BIGINT) = $1::BIGINT and json_extract_string(attributes, '/request_id') = $2`, [m, rid]);
}
