// Spawns `tokentrace serve` as a child process for end-to-end tests and benchmarks,
// waits for its "tokentrace listening on http://HOST:PORT" line, and kills it cleanly.
//
//   const dir = await makeTempDir();
//   const server = await startServe({ dataDir: dir });
//   await fetch(`${server.url}/health`);
//   await server.stop();            // SIGTERM, waits for exit
//   await removeDir(dir);
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (this file is test/e2e/helpers/server.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join(REPO_ROOT, "src", "cli", "main.ts");
// Absolute, so the child can run in a temp dir (no ./tokentrace.yml of the repo picked up).
const TSX = pathToFileURL(join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs")).href;

/** The parent's environment without TOKENTRACE_* settings, so a developer's shell cannot change a test. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("TOKENTRACE_") && k !== "DATABASE_URL") env[k] = v;
  }
  return env;
}

const LISTEN_RE = /tokentrace listening on (https?:\/\/[^\s]+)/;

/** The base URL from a `tokentrace listening on http://HOST:PORT` line, or null. */
export function parseListenLine(text: string): string | null {
  const m = LISTEN_RE.exec(text);
  return m === null ? null : m[1].replace(/\/$/, "");
}

export interface ServeOptions {
  /** Directory for the DuckDB file (spans.duckdb inside it); passed as --storage-path. */
  dataDir?: string;
  /** Listen address; default 127.0.0.1:0 (a free port). */
  addr?: string;
  /** Extra CLI arguments after `serve` (e.g. ["--config", file]). */
  args?: string[];
  /** Working directory of the child (default: dataDir, else the repository root). */
  cwd?: string;
  /** Extra environment variables (TOKENTRACE_* from the parent are not inherited). */
  env?: Record<string, string>;
  /** Extra node flags before the script (e.g. ["--cpu-prof"] when profiling a benchmark). */
  nodeArgs?: string[];
  /** How long to wait for the listen line before giving up (default 30 s: tsx compiles on start). */
  readyTimeoutMs?: number;
  /** A compiled cli/main.js to run instead of the sources through tsx (see built.ts). */
  cli?: string;
}

export interface ServeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the child wrote so far (stdout then stderr), for assertion messages. */
  output(): string;
  /** Sends the signal and resolves with how the process ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Graceful stop: SIGTERM, then waits for exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The DuckDB file the server uses inside a data dir. */
export function storageFile(dataDir: string): string {
  return join(dataDir, "spans.duckdb");
}

/** Starts `node --import tsx src/cli/main.ts serve --addr ... [--storage-path DIR/spans.duckdb]`. */
export async function startServe(opts: ServeOptions = {}): Promise<ServeProcess> {
  const entry = opts.cli === undefined ? ["--import", TSX, CLI] : [opts.cli];
  const args = [...(opts.nodeArgs ?? []), ...entry, "serve", "--addr", opts.addr ?? "127.0.0.1:0"];
  if (opts.dataDir !== undefined) args.push("--storage-path", storageFile(opts.dataDir));
  args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd ?? opts.dataDir ?? REPO_ROOT,
    env: { ...cleanEnv(), ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const output = () => `${stdout}${stderr ? `\n[stderr]\n${stderr}` : ""}`;

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`tokentrace serve did not print its listen line in time:\n${output()}`));
    }, opts.readyTimeoutMs ?? 30_000);
    child.stdout?.on("data", (d: string) => {
      stdout += d;
      const found = parseListenLine(stdout);
      if (found !== null) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`tokentrace serve exited (code ${code}, signal ${signal}) before listening:\n${output()}`));
    });
  });

  const kill = async (signal: NodeJS.Signals = "SIGKILL") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    port: Number(new URL(url).port),
    child,
    output,
    kill,
    stop: () => kill("SIGTERM"),
  };
}

export async function makeTempDir(prefix = "tokentrace-e2e-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * A temp data dir for a test that starts (and restarts) servers on it: `start` runs one
 * there, and when the test ends the last one started is killed and the dir removed.
 */
export async function tempServeDir(
  t: TestContext,
): Promise<{ dir: string; start(opts?: Omit<ServeOptions, "dataDir">): Promise<ServeProcess> }> {
  const dir = await makeTempDir();
  let last: ServeProcess | null = null;
  t.after(async () => {
    await last?.kill("SIGKILL");
    await removeDir(dir);
  });
  return {
    dir,
    start: async (opts = {}) => {
      last = await startServe({ ...opts, dataDir: dir });
      return last;
    },
  };
}

/** Writes a tokentrace.yml into dir and returns its path (for `--config`). */
export async function writeConfig(dir: string, yaml: string): Promise<string> {
  const file = join(dir, "tokentrace.yml");
  await writeFile(file, yaml);
  return file;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tokentrace ARGS...` from the sources to its end (TOKENTRACE_* from the parent are not inherited). */
export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", TSX, CLI, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...cleanEnv(), ...opts.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** One JSON request to a server; the body parsed (null when empty). */
export async function callJson(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk parsed JSON bodies
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? null : JSON.parse(text) };
}
