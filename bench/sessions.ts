// GET /sessions, /sessions/{id} and /users latency over N spans spread over 30 days in the
// DuckDB store, through the real HTTP server. Every trace belongs to a session of a few
// consecutive traces; every session to one of the users. The data set is built once and
// cached under bench/.data/.
// Usage: npx tsx bench/sessions.ts [--count 1000000] [--users 10000] [--sessions 100000] [--runs 15]
// The targets of #14 (median, at 10M spans, 100k users, 1M sessions on 2 cores): see CASES.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import type { Span } from "../src/span/types.js";
import { appendSpans } from "../src/store/duckdb/append.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { SCHEMA_SQL } from "../src/store/duckdb/schema.js";
import { generateSpans, prng } from "./lib/generate.js";
import { DATA_DIR } from "./lib/load.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const count = arg("count", 1_000_000);
const users = arg("users", count / 100);
const sessions = arg("sessions", count / 10);
const runs = arg("runs", 15);
const DAY = 86_400_000;
const SEED = 42;

interface Meta {
  count: number;
  from: number;
  to: number;
}

/**
 * The generated spans with a session and a user: each trace goes to the session of its
 * place in time, give or take a few sessions (conversations overlap); a session's user is
 * fixed by its number.
 */
function* withSessions(from: number, to: number): Iterable<Span> {
  const r = prng(SEED + 1);
  const perSession = count / sessions;
  let trace = "";
  let session = "";
  let user = "";
  let produced = 0;
  for (const s of generateSpans({ count, from, to, seed: SEED })) {
    if (s.trace_id !== trace) {
      trace = s.trace_id;
      const n = Math.min(sessions - 1, Math.max(0, Math.floor(produced / perSession + (r() - 0.5) * 8)));
      session = `sess-${n.toString(36).padStart(5, "0")}`;
      user = `user-${String((n * 7919) % users).padStart(6, "0")}`;
    }
    produced++;
    yield { ...s, session_id: session, user_id: user };
  }
}

async function build(file: string): Promise<Meta> {
  mkdirSync(DATA_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  const from = to - 30 * DAY;
  const t0 = performance.now();
  const db = await DuckDBInstance.create(tmp);
  const conn = await db.connect();
  await conn.run(SCHEMA_SQL);
  await conn.run("DROP INDEX spans_trace_id");
  let chunk: Span[] = [];
  let done = 0;
  for (const s of withSessions(from, to)) {
    chunk.push(s);
    if (chunk.length === 100_000) {
      await appendSpans(conn, chunk);
      done += chunk.length;
      chunk = [];
      process.stderr.write(`\rloading ${done}/${count} spans`);
    }
  }
  if (chunk.length > 0) await appendSpans(conn, chunk);
  await conn.run("CREATE INDEX spans_trace_id ON spans (trace_id)");
  await conn.run("CHECKPOINT");
  conn.closeSync();
  db.closeSync();
  renameSync(tmp, file);
  const meta = { count, from, to };
  writeFileSync(`${file}.json`, JSON.stringify(meta));
  process.stderr.write(`\rloaded ${count} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return meta;
}

const file = join(DATA_DIR, `sessions-${count}-${users}u-${sessions}s-30d-seed${SEED}.duckdb`);
const cached = existsSync(file) && existsSync(`${file}.json`);
const data: Meta = cached ? (JSON.parse(readFileSync(`${file}.json`, "utf8")) as Meta) : await build(file);
const copy = join(tmpdir(), `tokentrace-bench-sessions-${process.pid}.duckdb`);
copyFileSync(file, copy);
// rollups are not what these routes read: leave them unbuilt rather than rebuild for minutes
const store = await DuckDbStore.open(copy, { rebuild: "none" });
const config = { ...DEFAULT_CONFIG, http_server: { ...DEFAULT_CONFIG.http_server, addr: "127.0.0.1:0" } };
// The clock stands at the end of the data, so the windows hold what a live server would see.
const server = await startServer(config, { store, now: () => data.to });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function getJson(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}${path}`);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
  return JSON.parse(body) as Record<string, unknown>;
}

try {
  console.log(
    `spans ${await store.countSpans()} over 30 days, ${users} users, ${sessions} sessions  (machine: 2 cores shared, load ${loadavg()[0].toFixed(1)}, Node ${process.version})`,
  );
  // session ids to open: the first page of the day, then older ones a cursor away
  const page = (await getJson("/sessions?window=24h&limit=200")).sessions as { session_id: string }[];
  const ids = page.map((s) => s.session_id);
  const cursor = (await getJson("/sessions?window=24h")).next_cursor as string;
  let k = 0;
  const CASES: [string, () => string, number][] = [
    ["/sessions?window=24h", () => "/sessions?window=24h", 100],
    ["/sessions?window=24h (page 2, cursor)", () => `/sessions?window=24h&cursor=${cursor}`, 100],
    [
      "/sessions?window=30d&user_id=...",
      () => `/sessions?window=30d&user_id=user-${String(k++ % users).padStart(6, "0")}`,
      100,
    ],
    ["/sessions/{id}", () => `/sessions/${ids[k++ % ids.length]}`, 10],
    ["/users?window=30d", () => "/users?window=30d", 150],
    ["/users?window=30d&sort=last_seen", () => "/users?window=30d&sort=last_seen", 150],
  ];
  for (const [label, path, target] of CASES) {
    await getJson(path()); // warm-up: first query compiles and loads column segments
    await getJson(path());
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await getJson(path());
      times.push(performance.now() - t);
    }
    const m = median(times);
    console.log(
      `${label.padEnd(40)} median ${m.toFixed(1).padStart(7)} ms  min ${Math.min(...times)
        .toFixed(1)
        .padStart(7)} ms  target (10M) < ${target} ms`,
    );
  }
} finally {
  await server.close();
  rmSync(copy, { force: true });
  rmSync(`${copy}.wal`, { force: true });
}
