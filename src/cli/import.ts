import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { toOtlpBody } from "../sdk/otlp.js";
import { DEFAULT_RETRY } from "../sdk/retry.js";
import { otlpEndpoint, spansEndpoint } from "../sdk/transports/post.js";
import { post, statusResult } from "../util/post.js";
import { type RetryHooks, type RetryResult, withRetry } from "../util/retry.js";
import { argsErrorLine } from "./args.js";
import {
  BadLineError,
  type Batch,
  batchKey,
  type Checkpoint,
  countLines,
  fileIdentity,
  loadCheckpoint,
  readBatch,
  saveCheckpoint,
} from "./import-file.js";
import { importProgress } from "./progress.js";

export const IMPORT_USAGE = `Usage: tokentrace import FILE.jsonl [options]

Sends a FileTransport file (one span per line, as POST /spans takes them) to a tokentrace
server. Progress is kept in FILE.jsonl.tokentrace-import: run the same command again after
a failure (or after the file grew) and it goes on where it stopped, without duplicates.

Options:
  --url URL          server base URL (default: $TOKENTRACE_URL or http://localhost:9090)
  --token TOKEN      bearer token (default: $TOKENTRACE_API_TOKEN)
  --batch-size N     spans per request, at most the server's max_batch_size (default 1000)
  --max-attempts N   tries per batch on network errors, 429 and 5xx before giving up (default 8)
  --restart          ignore the checkpoint and import the whole file again
  --no-progress      no progress bar
  -h, --help         show this help`;

const OPTIONS = {
  url: { type: "string" },
  token: { type: "string" },
  "batch-size": { type: "string" },
  "max-attempts": { type: "string" },
  restart: { type: "boolean" },
  "no-progress": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

interface ImportOptions {
  file: string;
  url: string;
  token: string | null;
  batchSize: number;
  maxAttempts: number;
  restart: boolean;
  progress: boolean;
}

/** A failure of the import: `message` says what happened and what to do, in one line. */
class ImportError extends Error {
  constructor(
    message: string,
    /** True when the server may have stored the batch (no answer, 5xx): it stays pending, to be resent. */
    readonly inDoubt = false,
    /** True when the message already says how to go on (no "run the import again"). */
    readonly final = false,
  ) {
    super(message);
  }
}

const usageError = (message: string) => {
  console.error(`tokentrace import: ${message} (run tokentrace import --help for every option)`);
  return 2;
};

/** The options, or the exit code after one line naming the bad argument. */
function readOptions(argv: string[]): ImportOptions | number {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    console.error(argsErrorLine("import", err, Object.keys(OPTIONS)));
    return 2;
  }
  const v = args.values;
  if (v.help) {
    console.log(IMPORT_USAGE);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (file === undefined)
    return usageError("no FILE given: name the .jsonl file to send, e.g. tokentrace import spans.jsonl");
  if (extra.length > 0)
    return usageError(`one FILE at a time, got ${args.positionals.length}: ${args.positionals.join(" ")}`);
  const batchSize = Number(v["batch-size"] ?? 1000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
    return usageError(`--batch-size must be an integer from 1 to 100000, got ${JSON.stringify(v["batch-size"])}`);
  const maxAttempts = Number(v["max-attempts"] ?? 8);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    return usageError(`--max-attempts must be an integer >= 1, got ${JSON.stringify(v["max-attempts"])}`);
  const base = v.url ?? process.env.TOKENTRACE_URL ?? "http://localhost:9090";
  let url: string;
  try {
    url = spansEndpoint(base);
  } catch {
    return usageError(`--url ${JSON.stringify(base)} is not a URL (e.g. http://localhost:9090)`);
  }
  const token = v.token ?? process.env.TOKENTRACE_API_TOKEN ?? null;
  return { file, url, token, batchSize, maxAttempts, restart: v.restart === true, progress: !v["no-progress"] };
}

/** Why FILE cannot be imported ("no such file", ...), or null when it is a readable file. */
async function unreadable(file: string): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return "not a regular file";
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file (check the path)";
    if (code === "EACCES" || code === "EPERM") return "permission denied";
    if (code === "ENOTDIR") return "a part of the path is not a directory";
    return (err as Error).message;
  }
}

// A plain timer: the import is the whole process, so its waits must keep it alive.
const CLI_HOOKS: RetryHooks = { sleep: (ms) => new Promise((res) => setTimeout(res, ms)), random: Math.random };

type Attempt = RetryResult & { cause?: string };

async function attempt(o: ImportOptions, req: Request): Promise<Attempt> {
  const headers: Record<string, string> = { "content-type": "application/json", "idempotency-key": req.key };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  const answer = await post(req.url, { headers, body: req.body, timeoutMs: 30_000 });
  if (answer.kind === "error") {
    const err = answer.error as Error & { cause?: { code?: string; message?: string } };
    const cause =
      err.name === "TimeoutError" ? "no answer within 30 s" : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { kind: "retryable", error: cause, afterMs: null, cause };
  }
  const rejected = answer.status === 200 ? rejectedText(answer.text) : null;
  // OTLP answers 200 and names the spans it refused in partialSuccess: a refusal all the same
  if (rejected !== null) return { kind: "failure", error: rejected, httpStatus: 200 };
  return statusResult(answer.status, errorText(answer.text), answer.headers, Date.now());
}

/** "spans[0]: traceId must be ..." from an OTLP partialSuccess, or null when every span was stored. */
function rejectedText(body: string): string | null {
  try {
    const msg = (JSON.parse(body) as { partialSuccess?: { errorMessage?: unknown } }).partialSuccess?.errorMessage;
    return typeof msg === "string" ? msg.replace(/^\d+ of \d+ spans rejected: /, "") : null;
  } catch {
    return null;
  }
}

/** One POST of a batch: its LLM spans to /spans, or its grouping spans to /v1/traces. */
interface Request {
  url: string;
  key: string;
  body: string;
  /** The file's line of each span in the body, for errors the server reports as spans[i]. */
  lineNumbers: number[];
}

/** The requests that send a batch: grouping spans first (the parents), then the calls. */
function requestsOf(o: ImportOptions, key: string, batch: Batch): Request[] {
  const out: Request[] = [];
  if (batch.groups.length > 0) {
    const body = toOtlpBody(batch.groups);
    out.push({ url: otlpEndpoint(o.url), key: `${key}-groups`, body, lineNumbers: batch.groupLines });
  }
  if (batch.lineNumbers.length > 0) out.push({ url: o.url, key, body: batch.body, lineNumbers: batch.lineNumbers });
  return out;
}

function errorText(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: unknown };
    if (typeof j.error === "string") return j.error;
  } catch {
    // not JSON: the text itself
  }
  return body.slice(0, 200).replace(/\s+/g, " ").trim();
}

/** Posts one batch until it is accepted; a refusal becomes an ImportError saying what to do. */
async function send(o: ImportOptions, key: string, batch: Batch): Promise<void> {
  for (const req of requestsOf(o, key, batch)) await sendOne(o, req);
}

async function sendOne(o: ImportOptions, req: Request): Promise<void> {
  const policy = { ...DEFAULT_RETRY, maxBackoffMs: 10_000, maxAttempts: o.maxAttempts };
  const { result: r, attempts } = await withRetry(
    () => attempt(o, req),
    policy,
    CLI_HOOKS,
    new AbortController().signal,
  );
  if (r.kind === "success") return;
  const status = r.httpStatus;
  if (r.kind === "retryable") {
    const tries = `after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    if (status === undefined)
      throw new ImportError(`cannot reach ${o.url} (${r.error}) ${tries}: start the server or fix --url`, true);
    throw new ImportError(`the server answered HTTP ${status} (${r.error}) ${tries}: wait until it is healthy`, true);
  }
  if (status === 401) {
    const fix = "pass --token TOKEN or set TOKENTRACE_API_TOKEN (the server's http_server.auth_token)";
    const what = o.token === null ? "the server needs a token" : "the server refused the token";
    throw new ImportError(`${what} (HTTP 401: ${r.error}): ${fix}`);
  }
  if (status === 413)
    throw new ImportError(`the server refused a batch as too large (HTTP 413: ${r.error}): use a smaller --batch-size`);
  // "spans[3].model: required" is about the 4th span of the batch: name its line in the file
  const span = /^spans\[(\d+)\][.:]?\s*(.*)$/.exec(r.error);
  const line = span === null ? undefined : req.lineNumbers[Number(span[1])];
  if (span !== null && line !== undefined)
    throw new ImportError(
      `${o.file}:${line}: ${span[2]} (refused by the server${status === 200 ? "" : `, HTTP ${status}`}): fix or delete that line`,
    );
  throw new ImportError(
    `the server refused a batch (HTTP ${status}: ${r.error}): check that --url is a tokentrace server`,
  );
}

/**
 * `tokentrace import FILE.jsonl --url URL`: resumable, exactly-once import of FileTransport
 * output. Returns the exit code (0 done, 1 failed, 2 bad arguments). Every failure is one
 * line on stderr saying what happened and what to do; it mentions resuming only when a
 * checkpoint holds imported spans.
 *
 * @example process.exitCode = await runImport(["spans.jsonl", "--url", "http://localhost:9090"]);
 */
export async function runImport(argv: string[]): Promise<number> {
  const o = readOptions(argv);
  if (typeof o === "number") return o;
  const problem = await unreadable(o.file);
  if (problem !== null) {
    console.error(`tokentrace import: cannot read ${o.file}: ${problem}`);
    return 1;
  }
  const cpPath = `${o.file}.tokentrace-import`;
  let cp: Checkpoint | null = null;
  const tty = process.stderr.isTTY === true;
  try {
    const total = (await stat(o.file)).size;
    const identity = await fileIdentity(o.file);
    cp = o.restart ? { identity, offset: 0, spans: 0, pending: null } : await loadCheckpoint(cpPath, identity);
    const resumedAt = cp.offset;
    const progress = importProgress({
      enabled: o.progress,
      total,
      start: resumedAt,
      tty,
      write: (text) => process.stderr.write(text),
      now: Date.now,
    });
    let line = 1 + (resumedAt === 0 ? 0 : await countLines(o.file, resumedAt));
    let imported = 0;
    for (;;) {
      // A batch sent before a crash is resent exactly as it was (same bytes, same key).
      const maxLines = cp.pending ? cp.pending.lines : o.batchSize;
      const batch = await readBatch(o.file, cp.offset, maxLines, line);
      if (batch === null) break;
      if (cp.pending && batch.end !== cp.pending.end)
        throw new ImportError(
          "the file changed under a batch that may have been sent: run the import again with --restart to send the whole file",
          false,
          true,
        );
      cp.pending = { start: batch.start, end: batch.end, lines: batch.lines };
      await saveCheckpoint(cpPath, cp);
      try {
        await send(o, batchKey(identity, batch.start, batch.end), batch);
      } catch (err) {
        // refused for certain: nothing of this batch is stored, so nothing is left to resend
        if (err instanceof ImportError && !err.inDoubt) {
          cp.pending = null;
          await saveCheckpoint(cpPath, cp);
        }
        throw err;
      }
      cp.offset = batch.end;
      cp.spans += batch.lines;
      cp.pending = null;
      await saveCheckpoint(cpPath, cp);
      imported += batch.lines;
      line += batch.newlines;
      progress(cp.offset, imported);
    }
    progress(cp.offset, imported, true);
    const from = resumedAt > 0 ? ` (resumed at byte ${resumedAt})` : "";
    console.log(`imported ${imported} spans from ${o.file} to ${o.url}${from}; ${cp.spans} in total`);
    return 0;
  } catch (err) {
    if (tty && o.progress) process.stderr.write("\n");
    console.error(`tokentrace import: ${failureLine(err, o.file, cpPath, cp)}`);
    return 1;
  }
}

/** What happened, what to do, and where the import resumes when spans are already in. */
function failureLine(err: unknown, file: string, cpPath: string, cp: Checkpoint | null): string {
  let what: string;
  if (err instanceof BadLineError) what = `${file}:${err.line}: ${err.reason}: fix or delete that line`;
  else if (err instanceof ImportError) {
    if (err.final) return err.message;
    what = err.message;
  } else what = `${file}: ${(err as Error).message ?? String(err)}`;
  if (cp === null || cp.offset === 0) return `${what}, then run the import again`;
  const n = cp.spans.toLocaleString("en-US");
  return `${what}, then run the import again: it resumes after the ${n} spans already imported (progress is saved in ${cpPath})`;
}

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}
