import { DuckDBInstance } from "@duckdb/node-api";
import { rmSync } from "node:fs";
import { SCHEMA_SQL } from "../../src/store/duckdb/schema.js";
import { appendSpans, toPlain } from "../../src/store/duckdb/append.js";
import { generateSpans } from "../lib/generate.js";
rmSync("/tmp/t1.duckdb", { force: true }); rmSync("/tmp/t1.duckdb.wal", { force: true });
const inst = await DuckDBInstance.create("/tmp/t1.duckdb");
const c = await inst.connect();
await c.run(SCHEMA_SQL);
const spans = [...generateSpans({ count: 200000, from: 0, to: 30 * 86400000, seed: 1 })];
let t = performance.now();
await appendSpans(c, spans);
console.log("append 200k ms", performance.now() - t);
// rollback check
const bad = { ...spans[0], cost_usd: 2e6 };
try { await appendSpans(c, [spans[1], bad]); } catch (e) { console.log("bad insert err:", (e as Error).message); }
const cnt = await c.runAndReadAll("select count(*) n from spans"); console.log("count", cnt.getRowObjects().map(r => toPlain(r.n as any)));
// json pointer
const attrs = { "a/b": "x1", "~t": "x2", "$.a": "x3", "q\"k": "x4", "": "x5", "ключ": "знач", "n": 5, "b": true, "f": 0.82, "o'k": "v'; DROP TABLE spans; --" };
await c.run("create table j(a varchar)"); await c.run("insert into j values ($1)", [JSON.stringify(attrs)]);
for (const k of Object.keys(attrs)) {
  const ptr = "/" + k.replace(/~/g, "~0").replace(/\//g, "~1");
  const r = await c.runAndReadAll("select json_extract_string(a, $1) v from j", [ptr]);
  console.log(JSON.stringify(k), ptr, r.getRowObjects()[0].v);
}
