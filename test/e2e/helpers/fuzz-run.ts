// Runs the fuzz cases of fuzz-cases.ts against a real `tokentrace serve` (a child process on a
// free port, its data in a temp dir) and checks, per run: no 5xx except 503 overloaded with
// Retry-After, no answer (status and headers) slower than 5 s, the server still alive and
// healthy at the end, its RSS (VmRSS, sampled) under 1 GB, and every span acknowledged during
// the run readable through GET /traces/{id} afterwards.
//
// Case i of seed s is generated from its own seed, so `FUZZ_SEED=s FUZZ_CASE=i` replays it alone.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import type { TestContext } from "node:test";
import fc from "fast-check";
import { type FuzzCase, fuzzCase, type SpanRef, TOKENS } from "./fuzz-cases.js";
import { makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./server.js";

export const MAX_ANSWER_MS = 5_000;
export const MAX_RSS_BYTES = 1024 ** 3;

/**
 * The 5 s bound holds on the CI machine (2 cores, the suite's own load). On a machine running
 * many times more work than it has cores, a slow answer says nothing about the server: it is
 * counted and printed, not failed.
 */
const oversubscribed = () => loadavg()[0] > 3 * availableParallelism();

export interface FuzzOptions {
  /** storage: section of the config; null runs DuckDB in the temp dir. */
  storageYaml: string | null;
  cases: number;
  concurrency: number;
  seed: number;
  /** Replay only this case index. */
  only?: number;
}

export interface FuzzFailure {
  index: number;
  problem: string;
  request: FuzzCase;
  status?: number;
  answer?: string;
}

export interface FuzzReport {
  cases: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  slowestMs: number;
  /** Answers over MAX_ANSWER_MS while the machine was oversubscribed (not failures). */
  slowUnderLoad: number;
  maxRssBytes: number;
  acknowledgedSpans: number;
  failures: FuzzFailure[];
}

/** The seed of case i: cases of one run are independent, so any one replays alone. */
const caseSeed = (seed: number, i: number) => (seed + Math.imul(i, 0x9e3779b1)) | 0;

export function generateCase(seed: number, i: number, now: number): FuzzCase {
  return fc.sample(fuzzCase(now), { seed: caseSeed(seed, i), numRuns: 1 })[0];
}

function configYaml(storage: string | null): string {
  return [
    "http_server:",
    `  auth_token: ${TOKENS.admin}`,
    "  max_body_bytes: 1048576",
    "auth:",
    "  tokens:",
    `    - { token: ${TOKENS.read}, scope: read }`,
    `    - { token: ${TOKENS.ingest}, scope: ingest }`,
    "alerts:",
    // rules created by the run are evaluated while it goes on
    "  eval_interval: 1s",
    storage ?? "",
  ].join("\n");
}

function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

function clip(s: string, n = 600): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length} chars)`;
}

/** The request as a reader can re-send it: method, path, headers and the body (text, or base64 when binary). */
export function describeCase(c: FuzzCase): string {
  const body =
    c.body === undefined
      ? ""
      : typeof c.body === "string"
        ? `\n  body (JSON text): ${clip(JSON.stringify(c.body))}`
        : `\n  body (base64, ${c.body.length} bytes): ${clip(Buffer.from(c.body).toString("base64"))}`;
  return `${c.kind}: ${c.method} ${clip(c.path, 300)}\n  headers: ${clip(JSON.stringify(c.headers), 300)}${body}`;
}

/** True when an OTLP answer says every span was taken (no partialSuccess). */
function fullOtlpSuccess(c: FuzzCase, bytes: Buffer): boolean {
  if (c.headers["content-type"] === "application/x-protobuf") return bytes.length === 0; // the empty ExportTraceServiceResponse
  try {
    return JSON.parse(bytes.toString("utf8")).partialSuccess === undefined;
  } catch {
    return false;
  }
}

function isOverloaded(status: number, retryAfter: string | null, text: string): boolean {
  return status === 503 && retryAfter !== null && /waiting to be committed/.test(text);
}

/**
 * Sends one case. `ms` is the time to the answer's status and headers: a streamed body (an
 * export of every span of the run, megabytes of it) then takes as long as its size needs.
 */
async function send(
  server: ServeProcess,
  c: FuzzCase,
): Promise<{ status: number; ms: number; bytes: Buffer; retryAfter: string | null }> {
  const start = performance.now();
  const res = await fetch(`${server.url}${c.path}`, {
    method: c.method,
    headers: c.headers,
    body: c.body as BodyInit | undefined,
    // far beyond MAX_ANSWER_MS: a hung request is reported as slow, not left hanging
    signal: AbortSignal.timeout(60_000),
  });
  const ms = performance.now() - start;
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, ms, bytes, retryAfter: res.headers.get("retry-after") };
}

/** Reads back every acknowledged span by its trace; returns the ones missing. */
async function missingSpans(server: ServeProcess, refs: SpanRef[], concurrency: number): Promise<string[]> {
  const byTrace = new Map<string, Set<string>>();
  for (const r of refs) {
    const set = byTrace.get(r.trace_id) ?? new Set<string>();
    set.add(r.span_id);
    byTrace.set(r.trace_id, set);
  }
  const traces = [...byTrace.entries()];
  const missing: string[] = [];
  let next = 0;
  async function worker() {
    while (next < traces.length) {
      const [traceId, spanIds] = traces[next++];
      const res = await fetch(`${server.url}/traces/${traceId}`, {
        headers: { authorization: `Bearer ${TOKENS.admin}` },
      });
      const body = (await res.json()) as { spans?: { span_id: string }[] };
      const found = new Set((body.spans ?? []).map((s) => s.span_id));
      for (const id of spanIds)
        if (!found.has(id)) missing.push(`${traceId}/${id} (GET /traces answered ${res.status})`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return missing;
}

/** Starts a server, runs the cases at the given concurrency, checks the run, stops the server. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const dir = await makeTempDir("tokentrace-fuzz-");
  const file = await writeConfig(dir, configYaml(o.storageYaml));
  const server = await startServe({
    cwd: dir,
    dataDir: o.storageYaml === null ? dir : undefined,
    args: ["--config", file],
    readyTimeoutMs: 120_000,
  });
  const report: FuzzReport = {
    cases: 0,
    byKind: {},
    byStatus: {},
    slowestMs: 0,
    slowUnderLoad: 0,
    maxRssBytes: 0,
    acknowledgedSpans: 0,
    failures: [],
  };
  const pid = server.child.pid ?? -1;
  const sample = () => {
    report.maxRssBytes = Math.max(report.maxRssBytes, rssBytes(pid) ?? 0);
  };
  const sampler = setInterval(sample, 100);
  const acknowledged: SpanRef[] = [];
  const now = Date.now();
  try {
    const indexes = o.only === undefined ? Array.from({ length: o.cases }, (_, i) => i) : [o.only];
    let next = 0;
    const worker = async () => {
      while (next < indexes.length) {
        const index = indexes[next++];
        const c = generateCase(o.seed, index, now);
        report.cases++;
        report.byKind[c.kind] = (report.byKind[c.kind] ?? 0) + 1;
        const fail = (problem: string, status?: number, answer?: string) =>
          report.failures.push({ index, problem, request: c, status, answer });
        let r: Awaited<ReturnType<typeof send>>;
        try {
          r = await send(server, c);
        } catch (err) {
          fail(`no answer: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}`);
          continue;
        }
        const text = r.bytes.toString("utf8");
        report.byStatus[r.status] = (report.byStatus[r.status] ?? 0) + 1;
        report.slowestMs = Math.max(report.slowestMs, r.ms);
        if (r.status >= 500 && !isOverloaded(r.status, r.retryAfter, text))
          fail(`answered ${r.status}`, r.status, clip(text));
        if (r.ms > MAX_ANSWER_MS) {
          if (oversubscribed()) report.slowUnderLoad++;
          else fail(`answered after ${Math.round(r.ms)} ms`, r.status, clip(text));
        }
        const acked = c.path === "/spans" ? r.status === 202 : r.status === 200 && fullOtlpSuccess(c, r.bytes);
        if (acked && c.expect !== undefined) acknowledged.push(...c.expect);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    sample();

    const alive = server.child.exitCode === null && server.child.signalCode === null;
    if (!alive)
      report.failures.push({
        index: -1,
        problem: `the server exited:\n${clip(server.output(), 4000)}`,
        request: emptyCase,
      });
    else {
      const health = await send(server, { ...emptyCase, path: "/health" });
      if (health.status !== 200) {
        report.failures.push({
          index: -1,
          problem: "/health after the run",
          request: emptyCase,
          status: health.status,
          answer: clip(health.bytes.toString()),
        });
      }
      report.acknowledgedSpans = acknowledged.length;
      for (const m of await missingSpans(server, acknowledged, o.concurrency)) {
        report.failures.push({ index: -1, problem: `acknowledged span not returned: ${m}`, request: emptyCase });
      }
    }
    if (report.maxRssBytes > MAX_RSS_BYTES) {
      report.failures.push({
        index: -1,
        problem: `server RSS reached ${(report.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
        request: emptyCase,
      });
    }
    return report;
  } finally {
    clearInterval(sampler);
    await server.stop();
    await removeDir(dir);
  }
}

const emptyCase: FuzzCase = {
  kind: "check",
  method: "GET",
  path: "/",
  headers: { authorization: `Bearer ${TOKENS.admin}` },
};

/** The failures as a message that says how to replay each one. */
export function describeFailures(r: FuzzReport, seed: number, file: string): string {
  const shown = r.failures.slice(0, 15).map((f) => {
    const replay =
      f.index >= 0 ? `\n  replay: FUZZ_SEED=${seed} FUZZ_CASE=${f.index} node scripts/test.mjs ${file}` : "";
    const answer = f.answer === undefined ? "" : `\n  answer: ${f.answer}`;
    return `case #${f.index} ${f.problem}${f.index >= 0 ? `\n  ${describeCase(f.request)}` : ""}${answer}${replay}`;
  });
  const more = r.failures.length > shown.length ? `\n… and ${r.failures.length - shown.length} more` : "";
  return `${r.failures.length} failures (seed ${seed}):\n${shown.join("\n")}${more}`;
}

/**
 * One store's fuzz test: FUZZ_CASES cases (default 10,000) at FUZZ_CONCURRENCY (default 6)
 * with FUZZ_SEED (default fresh) or only FUZZ_CASE; prints the summary, fails listing the cases.
 */
export async function fuzzStore(
  t: TestContext,
  store: string,
  storageYaml: string | null,
  file: string,
): Promise<void> {
  const seed = fuzzSeed();
  const report = await runFuzz({
    storageYaml,
    cases: Number(process.env.FUZZ_CASES ?? 10_000),
    concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 6),
    seed,
    only: fuzzOnly(),
  });
  t.diagnostic(`fuzz ${store}: ${summary(report, seed)}`);
  assert.equal(report.failures.length, 0, describeFailures(report, seed, file));
}

/** The seed of this run: FUZZ_SEED, else a fresh one (printed, so a failure replays). */
function fuzzSeed(): number {
  const s = process.env.FUZZ_SEED;
  return s === undefined || s === "" ? (Date.now() ^ (process.pid << 16)) | 0 : Number(s);
}

function fuzzOnly(): number | undefined {
  const s = process.env.FUZZ_CASE;
  return s === undefined || s === "" ? undefined : Number(s);
}

export function summary(r: FuzzReport, seed: number): string {
  const statuses = Object.entries(r.byStatus)
    .map(([s, n]) => `${s}×${n}`)
    .join(" ");
  return (
    `${r.cases} cases (seed ${seed}): statuses ${statuses}; slowest answer ${Math.round(r.slowestMs)} ms; ` +
    `${r.slowUnderLoad} over 5 s with load average ${loadavg()[0].toFixed(1)} (not counted); max RSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB; ${r.acknowledgedSpans} acknowledged spans read back; ` +
    `${Object.keys(r.byKind).length} generators`
  );
}
