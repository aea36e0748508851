import { DuckDBInstance } from "@duckdb/node-api";
import { rmSync } from "node:fs";
import { SCHEMA_SQL } from "../../src/store/duckdb/schema.js";
import { appendSpans, toPlain } from "../../src/store/duckdb/append.js";
import { generateSpans } from "../lib/generate.js";
rmSync("/tmp/t2.duckdb", { force: true }); rmSync("/tmp/t2.duckdb.wal", { force: true });
const inst = await DuckDBInstance.create("/tmp/t2.duckdb");
const c = await inst.connect();
await c.run(SCHEMA_SQL);
const spans = [...generateSpans({ count: 3000, from: 0, to: 30 * 86400000, seed: 1 })];
for (const bad of [{ ...spans[0], cost_usd: 2e6 }, { ...spans[0], name: null as any }]) {
try { await appendSpans(c, [...spans.slice(1), bad]); } catch (e) { console.log("bad insert err:", (e as Error).message); }
const cnt = await c.runAndReadAll("select count(*) n from spans"); console.log("count", cnt.getRowObjects().map(r => toPlain(r.n as any)));
}
await appendSpans(c, spans.slice(0, 2));
const cnt = await c.runAndReadAll("select count(*) n from spans"); console.log("count", cnt.getRowObjects().map(r => toPlain(r.n as any)));
