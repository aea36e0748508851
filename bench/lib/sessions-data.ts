// A DuckDB data set whose spans carry sessions and users, built once and cached under
// bench/.data/: every trace belongs to a session of a few consecutive traces, every session
// to one of the users. bench/sessions.ts and bench/alert-groups.ts read it.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Span } from "../../src/span/types.js";
import { appendSpans } from "../../src/store/duckdb/append.js";
import { SCHEMA_SQL } from "../../src/store/duckdb/schema.js";
import { generateSpans, prng } from "./generate.js";
import { DATA_DIR } from "./load.js";

const DAY = 86_400_000;
const SEED = 42;

export interface SessionData {
  count: number;
  users: number;
  sessions: number;
  /** Spans start in [from, to). */
  from: number;
  to: number;
  /** A private copy of the cached file, for one bench to open and write. */
  path: string;
}

/** The user id of user number n, as the data set writes it. */
export const userId = (n: number) => `user-${String(n).padStart(6, "0")}`;

/**
 * The generated spans with a session and a user: each trace goes to the session of its
 * place in time, give or take a few sessions (conversations overlap); a session's user is
 * fixed by its number.
 */
function* withSessions(count: number, users: number, sessions: number, from: number, to: number): Iterable<Span> {
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
      user = userId((n * 7919) % users);
    }
    produced++;
    yield { ...s, session_id: session, user_id: user };
  }
}

async function build(file: string, count: number, users: number, sessions: number) {
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
  for (const s of withSessions(count, users, sessions, from, to)) {
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

/**
 * The data set of `count` spans over 30 days with `users` users and `sessions` sessions,
 * built on first use (rollups are not built: what reads users and sessions reads spans), and
 * copied to `copyTo` for the bench to open.
 */
export async function sessionData(
  count: number,
  users: number,
  sessions: number,
  copyTo: string,
): Promise<SessionData> {
  const file = join(DATA_DIR, `sessions-${count}-${users}u-${sessions}s-30d-seed${SEED}.duckdb`);
  const cached = existsSync(file) && existsSync(`${file}.json`);
  const meta = cached
    ? (JSON.parse(readFileSync(`${file}.json`, "utf8")) as { from: number; to: number })
    : await build(file, count, users, sessions);
  rmSync(`${copyTo}.wal`, { force: true });
  copyFileSync(file, copyTo);
  return { count, users, sessions, from: meta.from, to: meta.to, path: copyTo };
}
