import { DuckDBInstance } from "@duckdb/node-api";
import { pairHash, attrMask } from "../../src/store/duckdb/bloom.js";
import { toPlain } from "../../src/store/duckdb/append.js";
const inst = await DuckDBInstance.create("/tmp/work.duckdb");
const c = await inst.connect();
const bind = (ps: any[]) => ps.map(p => typeof p === "number" && Number.isSafeInteger(p) ? BigInt(p) : p);
async function t(label: string, sql: string, params: any[] = [], n = 9) {
  const xs: number[] = [];
  let out: any;
  for (let i = 0; i < n; i++) { const s = performance.now(); const r = await c.runAndReadAll(sql, bind(params)); out = r.currentRowCount; xs.push(performance.now() - s); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), xs[xs.length >> 1].toFixed(2), "ms", String(out).slice(0, 40));
}
await t("select 1", "select 1");
await t("max started", "select max(started_at) m from spans");
const top = Number((await c.runAndReadAll("select max(started_at) from spans")).getRows()[0][0]) + 1;
await t("rare wf", "select started_at from span_attrs where h = $1 limit 65", [pairHash("workflow", "chat")]);
const rid = (await c.runAndReadAll("select json_extract_string(attributes,'/request_id') r from spans where rowid = 1234567")).getRowObjects()[0].r as string;
await t("rare rid", "select started_at from span_attrs where h = $1 limit 65", [pairHash("request_id", rid)]);
const m = attrMask({ workflow: "chat" });
await t("window 1h wf", "select trace_id, min(started_at) m from spans where (attr_bloom & $1) = $1 and json_extract_string(attributes, $2) = $3 and started_at >= $4 group by trace_id order by m desc, trace_id desc limit 31", [m, "/workflow", "chat", top - 3600000]);
const ids = (await c.runAndReadAll("select trace_id, min(started_at) m from spans where started_at >= $1 group by trace_id order by m desc limit 211", [BigInt(top - 3600000)])).getRows().map(r => r[0] as string);
for (const n of [1, 5, 31, 211]) {
  const ph = ids.slice(0, n).map((_, i) => `$${i + 1}`).join(",");
  await t(`fetch IN params ${n}`, `select * from spans where trace_id in (${ph}) order by started_at`, ids.slice(0, n));
  await t(`fetch IN literal ${n}`, `select * from spans where trace_id in (${ids.slice(0, n).map(x => `'${x}'`).join(",")}) order by started_at`);
  await t(`fetch ANY list ${n}`, `select * from spans where trace_id = ANY($1::VARCHAR[]) order by started_at`, [ `[${ids.slice(0, n).map(x => `"${x}"`).join(",")}]` ]);
}
