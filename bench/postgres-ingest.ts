// POST /spans throughput into PostgreSQL: one or two real `tokentrace serve` children on one
// database (a fresh schema, dropped afterwards), several clients posting 1000-span batches back
// to back; prints committed spans/s, checked against the database's span count.
// Usage: npx tsx bench/postgres-ingest.ts [--seconds 10] [--clients 8] [--batch 1000] [--instances 1]
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Span } from "../src/span/types.js";
import { scratchSchema } from "../src/store/postgres/testing/scratch.js";
import { makeTempDir, removeDir, startServe, writeConfig } from "../test/e2e/helpers/server.js";
import { generateSpans } from "./lib/generate.js";
import { postLoad } from "./lib/post-load.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "8" },
    batch: { type: "string", default: "1000" },
    bodies: { type: "string", default: "60" },
    instances: { type: "string", default: "1" },
    url: { type: "string", default: process.env.TOKENTRACE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test" },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const BATCH = Number(values.batch);
const BODIES = Number(values.bodies);

function toRequest(s: Span): Record<string, unknown> {
  const { eval_score: _score, started_at, ended_at, ...rest } = s;
  return { ...rest, started_at: new Date(started_at).toISOString(), ended_at: new Date(ended_at).toISOString() };
}

const now = Date.now();
const all = [...generateSpans({ count: BATCH * BODIES, from: now - 3_600_000, to: now, seed: 7 })];
const bodies = Array.from({ length: BODIES }, (_, i) =>
  Buffer.from(JSON.stringify(all.slice(i * BATCH, (i + 1) * BATCH).map(toRequest))),
);

const schema = scratchSchema(values.url);
const dir = await makeTempDir("tokentrace-bench-pg-");
const file = await writeConfig(dir, `storage:\n  driver: postgres\n  url: "${schema.url}"\n`);
const servers = await Promise.all(
  Array.from({ length: Number(values.instances) }, () => startServe({ cwd: dir, args: ["--config", file] })),
);
try {
  const { accepted, errors, requests, elapsed } = await postLoad(
    servers.map((s) => s.url),
    bodies,
    CLIENTS,
    SECONDS,
  );
  const health = (await (await fetch(`${servers[0].url}/health`)).json()) as { span_count: number };
  console.log(
    `postgres ingest (${servers.length} instance(s)): ${Math.round(health.span_count / elapsed).toLocaleString("en")} committed spans/s ` +
      `(${health.span_count.toLocaleString("en")} spans in ${elapsed.toFixed(1)} s; ${requests} requests of ${BATCH}; ` +
      `${CLIENTS} clients; ${errors} errors)`,
  );
  console.log(
    `  machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  if (health.span_count !== accepted)
    console.log(`MISMATCH: database has ${health.span_count}, clients were told ${accepted}`);
} finally {
  for (const s of servers) await s.stop();
  await schema.drop();
  await removeDir(dir);
}
