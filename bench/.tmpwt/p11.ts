import { DuckDbStore } from "../../src/store/duckdb/index.js";
import { generateSpans } from "../lib/generate.js";
import { rmSync } from "node:fs";
rmSync("/tmp/p11.duckdb", { force: true }); rmSync("/tmp/p11.duckdb.wal", { force: true });
let t = performance.now();
const s = await DuckDbStore.open("/tmp/p11.duckdb");
console.log("open ms", (performance.now() - t).toFixed(1));
const all = [...generateSpans({ count: 100_000, from: Date.now() - 86400000, to: Date.now(), seed: 3 })];
// event-loop lag probe
let maxLag = 0; let last = performance.now();
const lags: number[] = [];
const iv = setInterval(() => { const n = performance.now(); lags.push(n - last - 5); maxLag = Math.max(maxLag, n - last - 5); last = n; }, 5);
const xs: number[] = [];
t = performance.now();
for (let i = 0; i < all.length; i += 1000) { const st = performance.now(); await s.insert(all.slice(i, i + 1000)); xs.push(performance.now() - st); }
const total = performance.now() - t;
clearInterval(iv); lags.sort((a,b)=>a-b); console.log('lag p50', lags[lags.length>>1].toFixed(1), 'p99', lags[Math.floor(lags.length*0.99)].toFixed(1));
xs.sort((a, b) => a - b);
console.log(`insert 1000-span batches: median ${xs[50].toFixed(1)} ms p95 ${xs[95].toFixed(1)} ms; ${(all.length / total * 1000).toFixed(0)} spans/s; max event-loop lag ${maxLag.toFixed(1)} ms`);
t = performance.now(); await s.close(); console.log("close ms", (performance.now() - t).toFixed(1));
