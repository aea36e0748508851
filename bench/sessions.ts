// GET /sessions, /sessions/{id} and /users latency over N spans spread over 30 days in the
// DuckDB store, through the real HTTP server. Every trace belongs to a session of a few
// consecutive traces; every session to one of the users. The data set is built once and
// cached under bench/.data/.
// Usage: npx tsx bench/sessions.ts [--count 1000000] [--users 10000] [--sessions 100000] [--runs 15]
// The targets of #14 (median, at 10M spans, 100k users, 1M sessions on 2 cores): see CASES.
import { rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONFIG } from "../src/config/types.js";
import { startServer } from "../src/server/listen.js";
import { DuckDbStore } from "../src/store/duckdb/index.js";
import { sessionData, userId } from "./lib/sessions-data.js";

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}

const count = arg("count", 1_000_000);
const users = arg("users", count / 100);
const sessions = arg("sessions", count / 10);
const runs = arg("runs", 15);

const copy = join(tmpdir(), `tokentrace-bench-sessions-${process.pid}.duckdb`);
const data = await sessionData(count, users, sessions, copy);
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
    ["/sessions?window=30d&user_id=...", () => `/sessions?window=30d&user_id=${userId(k++ % users)}`, 100],
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
