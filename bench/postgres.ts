// GET /metrics latency over 2M spans spread over 30 days in the PostgreSQL store, through the
// real HTTP server (fastify, pg pool, rollups, JSON rendering). The data set is loaded once
// into schema tt_bench_<count> (marker table bench_marker) and reused by later runs.
// Usage: npx tsx bench/postgres.ts [--count 2000000] [--runs 15] [--url postgres://...]
// Target (median): /metrics?window=30d < 500 ms.
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import type { Span } from "../src/span/types.js";
import { createPool, parseStorageUrl } from "../src/store/postgres/connect.js";
import { PostgresStore } from "../src/store/postgres/index.js";
import { rollupInserts } from "../src/store/postgres/insert.js";
import { Partitions } from "../src/store/postgres/partitions.js";
import { generateSpans } from "./lib/generate.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "2000000" },
    runs: { type: "string", default: "15" },
    url: { type: "string", default: process.env.TOKENTRACE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
  },
});
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const DAY = 86_400_000;
const schema = `tt_bench_${COUNT}`;
const url = new URL(values.url);
url.searchParams.set("schema", schema);

const CASES: [string, string, number | null][] = [
  ["/metrics 1h", "/metrics?window=1h", null],
  ["/metrics 24h", "/metrics?window=24h", null],
  ["/metrics 30d", "/metrics?window=30d", 500],
  ["/metrics/latency?groupby=model 30d", "/metrics/latency?window=30d&groupby=model", null],
  ["/metrics/latency_p95 1h (alert path)", "/metrics/latency_p95?window=1h", null],
  ["/metrics/latency_p95?caller= 30d (raw pct)", "/metrics/latency_p95?window=30d&caller=chat-api", null],
  ["/metrics/cost?groupby=workflow 7d (raw)", "/metrics/cost?window=7d&groupby=workflow", null],
  ["/metrics/total_cost/series 24h by model", "/metrics/total_cost/series?window=24h&groupby=model", null],
  ["/metrics/total_cost/series 30d by model", "/metrics/total_cost/series?window=30d&groupby=model", null],
  ["/metrics/latency_p95/series 7d (exact pct: raw)", "/metrics/latency_p95/series?window=7d", null],
  ["/metrics/prometheus", "/metrics/prometheus", null],
  ["/traces limit 20", "/traces?limit=20", null],
  ["/traces?attr.workflow=chat&model=gpt-4o", "/traces?attr.workflow=chat&model=gpt-4o", null],
  ["/health (span count)", "/health", null],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Loads COUNT generated spans (bulk unnest inserts, rollups built afterwards) unless the marker says it is there. */
async function load(): Promise<{ to: number }> {
  const admin = new pg.Client({ connectionString: parseStorageUrl(url.toString()).connectionString });
  await admin.connect();
  try {
    const m = await admin
      .query(`SELECT "to" FROM "${schema}".bench_marker WHERE count = $1`, [COUNT])
      .catch(() => ({ rows: [] as { to: string }[] }));
    if (m.rows.length === 1) return { to: Number(m.rows[0].to) };
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await admin.end();
  }
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  await (await PostgresStore.open(url.toString())).close(); // migrations
  const pool = createPool(parseStorageUrl(url.toString()), (e) => console.error(e));
  const parts = new Partitions(pool, schema);
  const t0 = performance.now();
  let batch: Span[] = [];
  const flush = async () => {
    await parts.ensure(batch.map((s) => s.started_at));
    const cols = Object.keys(batch[0]) as (keyof Span)[];
    const arrays = cols.map((k) => batch.map((s) => (k === "attributes" ? JSON.stringify(s[k]) : s[k])));
    const types: Record<string, string> = {
      attributes: "jsonb",
      cost_usd: "numeric",
      latency_ms: "float8",
      ttft_ms: "float8",
      eval_score: "float8",
    };
    const ints = [
      "prompt_tokens",
      "comp_tokens",
      "total_tokens",
      "cached_tokens",
      "reasoning_tokens",
      "started_at",
      "ended_at",
    ];
    const unnest = cols.map((k, i) => `$${i + 1}::${types[k] ?? (ints.includes(k) ? "bigint" : "text")}[]`).join(", ");
    await pool.query(`INSERT INTO spans (${cols.join(", ")}) SELECT * FROM unnest(${unnest})`, arrays);
    batch = [];
  };
  for (const s of generateSpans({ count: COUNT, from: to - 30 * DAY, to, seed: 42 })) {
    batch.push(s);
    if (batch.length === 20_000) await flush();
  }
  if (batch.length > 0) await flush();
  console.log(`loaded ${COUNT} spans in ${((performance.now() - t0) / 1000).toFixed(0)} s; building rollups`);
  const { rollup, hist } = rollupInserts("spans");
  await pool.query(rollup);
  await pool.query(hist);
  await pool.query(
    `INSERT INTO span_days SELECT floor(started_at / ${DAY}::numeric)::bigint, count(*) FROM spans GROUP BY 1`,
  );
  await pool.query("VACUUM ANALYZE");
  await pool.query(`CREATE TABLE bench_marker (count BIGINT, "to" BIGINT)`);
  await pool.query("INSERT INTO bench_marker VALUES ($1, $2)", [COUNT, to]);
  console.log(`ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  await pool.end();
  return { to };
}

const data = await load();
const store = await PostgresStore.open(url.toString());
const config = { ...DEFAULT_CONFIG, http_server: { ...DEFAULT_CONFIG.http_server, addr: "127.0.0.1:0" } };
// The clock stands at the end of the data, so the windows hold what a live server would see.
const server = await startServer(config, { store, now: () => data.to });
try {
  console.log(
    `postgres: ${await store.countSpans()} spans over 30 days (${cpus().length} cores shared, Node ${process.version})`,
  );
  for (const [label, path, target] of CASES) {
    const get = async () => {
      const res = await fetch(`${server.url}${path}`);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
    };
    await get();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await get();
      times.push(performance.now() - t);
    }
    const m = median(times);
    const verdict = target === null ? "" : `  target < ${target} ms: ${m < target ? "ok" : "MISSED"}`;
    console.log(
      `${label.padEnd(48)} median ${m.toFixed(1).padStart(7)} ms  min ${Math.min(...times)
        .toFixed(1)
        .padStart(7)} ms${verdict}`,
    );
  }
} finally {
  await server.close();
}
