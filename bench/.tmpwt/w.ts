import { parentPort } from "node:worker_threads";
import { DuckDBInstance } from "@duckdb/node-api";
const inst = await DuckDBInstance.create("/tmp/wt/x.duckdb");
const c = await inst.connect();
const r = await c.runAndReadAll("select 42::DECIMAL(18,12) as d, 5::BIGINT as b, null as n, 'x' as s, 1.5::DOUBLE as f");
parentPort!.postMessage({ rows: r.getRowObjectsJS(), json: r.getRowObjectsJson() });
