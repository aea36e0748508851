import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { validateRule } from "../alerts/rule.js";
import { parseAddr } from "../config/addr.js";
import { ConfigError, loadConfig } from "../config/index.js";
import type { Config } from "../config/types.js";
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportRange,
  parseTimeBound,
  spanPages,
  TIME_BOUND_HELP,
  writeExportFile,
} from "../export/index.js";
import type { Store } from "../store/store.js";
import { exportProgress } from "./progress.js";
import { storageFlags } from "./storage-flags.js";

const EXPORT_USAGE = `Usage: tokentrace export --format FORMAT --since WHEN [--until WHEN] [--model M] --out FILE

Writes the spans that started in [since, until) to FILE as Parquet, CSV or JSON Lines.
Reads the configuration like \`serve\`. Works on a stopped store, and while the server runs:
when the DuckDB file is held by a running \`tokentrace serve\` (or the store is the memory
store), the spans come through that server's GET /export instead.

Options:
  --format FORMAT        parquet | csv | jsonl (required)
  --since WHEN           ${TIME_BOUND_HELP} (required)
  --until WHEN           same forms (default: now)
  --model M              only this model
  --out FILE             where to write (required); written to FILE.partial, then renamed
  --url URL              always export through this running server (default: http_server.addr)
  --config FILE          config file (default: $TOKENTRACE_CONFIG or ./tokentrace.yml)
  --storage-driver NAME  duckdb | postgres | memory
  --storage-path PATH    DuckDB file
  --storage-url URL      PostgreSQL URL
  --no-progress          no progress line on stderr
  -h, --help             show this help`;

class UsageError extends Error {}

interface Job {
  format: ExportFormat;
  range: ExportRange & { since: number; until: number };
  out: string;
  progress: boolean;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      format: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      model: { type: "string" },
      out: { type: "string" },
      url: { type: "string" },
      config: { type: "string" },
      "storage-driver": { type: "string" },
      "storage-path": { type: "string" },
      "storage-url": { type: "string" },
      "no-progress": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
}

function readJob(args: ReturnType<typeof parse>, now: number): Job {
  const format = args.format;
  if (format === undefined) throw new UsageError(`--format is required (${EXPORT_FORMATS.join(", ")})`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  if (args.since === undefined) throw new UsageError(`--since is required: ${TIME_BOUND_HELP}`);
  const since = parseTimeBound(args.since, now);
  if (since === null) throw new UsageError(`--since ${JSON.stringify(args.since)} is not ${TIME_BOUND_HELP}`);
  const until = args.until === undefined ? now : parseTimeBound(args.until, now);
  if (until === null) throw new UsageError(`--until ${JSON.stringify(args.until)} is not ${TIME_BOUND_HELP}`);
  if (until <= since) throw new UsageError("--until must be later than --since");
  if (args.out === undefined || args.out === "") throw new UsageError("--out FILE is required");
  if (args.model === "") throw new UsageError("--model must not be empty");
  const filter = args.model === undefined ? {} : { model: args.model };
  return {
    format: format as ExportFormat,
    range: { since, until, filter },
    out: args.out,
    progress: !args["no-progress"],
  };
}

function serverUrl(config: Config): string {
  const a = parseAddr(config.http_server.addr);
  const host = a === null || a.host === "0.0.0.0" || a.host === "::" ? "127.0.0.1" : a.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${a?.port ?? 9090}`;
}

/** Through a running server's GET /export, streamed to FILE.partial, renamed when complete. */
async function viaServer(base: string, token: string | null, job: Job): Promise<string> {
  const q = new URLSearchParams({
    format: job.format,
    since: new Date(job.range.since).toISOString(),
    until: new Date(job.range.until).toISOString(),
  });
  if (job.range.filter.model !== undefined) q.set("model", job.range.filter.model);
  const res = await fetch(`${base}/export?${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok || res.body === null) {
    const text = await res.text();
    let msg = text;
    try {
      msg = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {}
    throw new Error(`${base}/export answered ${res.status}: ${msg}`);
  }
  const partial = `${job.out}.partial`;
  const progress = exportProgress(job.progress);
  let bytes = 0;
  let lines = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (job.format !== "parquet") for (const b of chunk) if (b === 10) lines++;
    progress(job.format === "parquet" ? null : lines - (job.format === "csv" ? 1 : 0), bytes);
  });
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, job.out);
  } finally {
    await rm(partial, { force: true });
  }
  progress(null, bytes, true);
  const rows =
    job.format === "parquet" ? "" : `${(lines - (job.format === "csv" ? 1 : 0)).toLocaleString("en-US")} spans, `;
  return `${rows}${bytes.toLocaleString("en-US")} bytes`;
}

async function direct(store: Store, job: Job): Promise<string> {
  const progress = exportProgress(job.progress);
  const w = await writeExportFile(spanPages(store, job.range), job.format, job.out, (rows) => progress(rows, null));
  progress(w.rows, w.bytes, true);
  return `${w.rows.toLocaleString("en-US")} spans, ${w.bytes.toLocaleString("en-US")} bytes, $${w.cost_usd}`;
}

const isLocked = (e: unknown) => (e as { code?: string }).code === "STORE_LOCKED";

/** Directly from the store, or through a running server when the store cannot be opened here. */
async function exportWith(config: Config, url: string | undefined, job: Job): Promise<string> {
  if (url !== undefined || config.storage.driver === "memory") {
    return viaServer((url ?? serverUrl(config)).replace(/\/$/, ""), config.http_server.auth_token, job);
  }
  const { openStore } = await import("../store/index.js");
  let store: Store;
  try {
    store = await openStore(config);
  } catch (e) {
    if (!isLocked(e)) throw e;
    const base = serverUrl(config);
    console.error(
      `tokentrace export: ${config.storage.path} is held by a running server; exporting through ${base}/export`,
    );
    return viaServer(base, config.http_server.auth_token, job);
  }
  try {
    return await direct(store, job);
  } finally {
    await store.close();
  }
}

/**
 * `tokentrace export`: the spans of a time range to a Parquet, CSV or JSON Lines file. Returns
 * the exit code (0 done, 1 failed, 2 bad arguments or config).
 *
 * @example process.exitCode = await runExport(["--format", "csv", "--since", "1h", "--out", "spans.csv"]);
 */
export async function runExport(argv: string[], now: () => number = Date.now): Promise<number> {
  let job: Job;
  let config: Config;
  let url: string | undefined;
  try {
    const args = parse(argv);
    if (args.help) {
      console.log(EXPORT_USAGE);
      return 0;
    }
    job = readJob(args, now());
    url = args.url;
    const flags = storageFlags(args);
    config = loadConfig({
      file: args.config,
      env: process.env,
      flags,
      validateRule,
      onWarning: (w) => console.error(`warning: ${w}`),
    });
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    if (usage || e instanceof ConfigError) {
      console.error(`tokentrace export: ${(e as Error).message}`);
      if (usage) console.error("Run `tokentrace export --help` for the options.");
      return 2;
    }
    throw e;
  }

  try {
    const summary = await exportWith(config, url, job);
    console.error(`tokentrace export: wrote ${job.out} (${summary})`);
    return 0;
  } catch (e) {
    console.error(`tokentrace export: ${(e as Error).message}`);
    return 1;
  }
}
