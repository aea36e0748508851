import { createHash } from "node:crypto";
import { open, readFile, rename, stat, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { DEFAULT_RETRY } from "../sdk/retry.js";
import { postSpans, spansEndpoint } from "../sdk/transports/post.js";
import { type RetryHooks, withRetry } from "../util/retry.js";

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

/** Progress kept beside the file: `offset` bytes are committed; `pending` was sent but not yet confirmed. */
interface Checkpoint {
  identity: string;
  offset: number;
  spans: number;
  pending: { start: number; end: number; lines: number } | null;
}

const MAX_BATCH_BYTES = 4 * 1024 * 1024; // well under the server's 10 MiB max_body_bytes

class ImportError extends Error {}

/**
 * Identifies the file across runs: its inode and its first line, which appending never
 * changes (a rotated or replaced file differs, so its checkpoint is not reused).
 */
async function fileIdentity(path: string): Promise<string> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, 4096, 0);
    const nl = buf.subarray(0, bytesRead).indexOf(10);
    const first = nl === -1 ? Buffer.alloc(0) : buf.subarray(0, nl);
    const st = await fh.stat();
    return createHash("sha256").update(`${st.ino}:`).update(first).digest("hex").slice(0, 32);
  } finally {
    await fh.close();
  }
}

/** The same batch of the same file always gets the same key, so a resent batch is not stored twice. */
export function batchKey(identity: string, start: number, end: number): string {
  return `import-${createHash("sha256").update(`${identity}:${start}:${end}`).digest("hex").slice(0, 40)}`;
}

async function loadCheckpoint(path: string, identity: string): Promise<Checkpoint> {
  const fresh: Checkpoint = { identity, offset: 0, spans: 0, pending: null };
  try {
    const cp = JSON.parse(await readFile(path, "utf8")) as Checkpoint;
    return cp.identity === identity && Number.isSafeInteger(cp.offset) ? cp : fresh;
  } catch {
    return fresh;
  }
}

async function saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  // Write then rename: a crash leaves the old or the new checkpoint, never half of one.
  await writeFile(`${path}.tmp`, JSON.stringify(cp));
  await rename(`${path}.tmp`, path);
}

interface Batch {
  start: number;
  end: number;
  lines: number;
  firstLine: number;
  body: string;
}

/** Complete lines from `start`, up to `maxLines` spans / MAX_BATCH_BYTES; a last line without "\n" is left for later. */
async function readBatch(file: string, start: number, maxLines: number, firstLine: number): Promise<Batch | null> {
  const fh = await open(file, "r");
  try {
    const parts: string[] = [];
    let pos = start;
    let consumed = start;
    let lines = 0;
    let carry = Buffer.alloc(0);
    const buf = Buffer.alloc(256 * 1024);
    while (lines < maxLines && consumed - start < MAX_BATCH_BYTES) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let data = Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      let nl = data.indexOf(10);
      while (nl !== -1 && lines < maxLines && consumed - start < MAX_BATCH_BYTES) {
        const line = data.subarray(0, nl).toString("utf8").trim();
        consumed += nl + 1;
        data = data.subarray(nl + 1);
        if (line !== "") {
          parts.push(line);
          lines++;
        }
        nl = data.indexOf(10);
      }
      carry = Buffer.from(data);
      if (nl !== -1) break; // batch full
    }
    if (consumed === start) return null;
    return { start, end: consumed, lines, firstLine, body: `[${parts.join(",")}]` };
  } finally {
    await fh.close();
  }
}

/** Posts one batch until it is accepted; a server error naming spans[i] is mapped to the file's line. */
async function send(url: string, token: string | null, key: string, batch: Batch, maxAttempts: number): Promise<void> {
  const policy = { ...DEFAULT_RETRY, maxBackoffMs: 10_000, maxAttempts };
  const { result: r, attempts } = await withRetry(
    () => postSpans({ url, body: batch.body, idempotencyKey: key, token, timeoutMs: 30_000 }),
    policy,
    CLI_HOOKS,
    new AbortController().signal,
  );
  if (r.kind === "success") return;
  if (r.kind === "too_large") throw new ImportError(`${r.error}: use a smaller --batch-size`);
  const msg = r.error.replace(/spans\[(\d+)\]/, (_m, i: string) => `line ${batch.firstLine + Number(i)}`);
  if (r.kind === "failure") throw new ImportError(msg);
  throw new ImportError(`${msg} (gave up after ${attempts} attempts)`);
}

// A plain timer: the import is the whole process, so its waits must keep it alive.
const CLI_HOOKS: RetryHooks = { sleep: (ms) => new Promise((res) => setTimeout(res, ms)), random: Math.random };

function progressBar(enabled: boolean, total: number): (done: number, spans: number, final?: boolean) => void {
  const tty = process.stderr.isTTY === true;
  const t0 = Date.now();
  let lastPct = -1;
  return (done, spans, final = false) => {
    if (!enabled) return;
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    const rate = Math.round(spans / Math.max(0.001, (Date.now() - t0) / 1000));
    const text = `${pct}% ${spans.toLocaleString("en-US")} spans ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB ${rate.toLocaleString("en-US")} spans/s`;
    if (tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}\x1b[K${final ? "\n" : ""}`);
    } else if (final || pct >= lastPct + 10) {
      // Not a terminal (CI logs): a line per 10% instead of redrawing.
      lastPct = pct - (pct % 10);
      process.stderr.write(`import: ${text}\n`);
    }
  };
}

/**
 * `tokentrace import FILE.jsonl --url URL`: resumable, exactly-once import of FileTransport
 * output. Returns the exit code (0 done, 1 failed — run again to resume, 2 bad arguments).
 *
 * @example process.exitCode = await runImport(["spans.jsonl", "--url", "http://localhost:9090"]);
 */
export async function runImport(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    console.error(`tokentrace import: ${(err as Error).message}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(IMPORT_USAGE);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  const batchSize = Number(args.values["batch-size"] ?? 1000);
  const maxAttempts = Number(args.values["max-attempts"] ?? 8);
  const base = args.values.url ?? process.env.TOKENTRACE_URL ?? "http://localhost:9090";
  let url: string;
  try {
    url = spansEndpoint(base);
  } catch {
    console.error(`tokentrace import: --url ${JSON.stringify(base)} is not a URL`);
    return 2;
  }
  const badNumber = !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000 || !(maxAttempts >= 1);
  if (file === undefined || extra.length > 0 || badNumber) {
    console.error(
      `tokentrace import: expected one FILE, --batch-size from 1 to 100000, --max-attempts >= 1\n\n${IMPORT_USAGE}`,
    );
    return 2;
  }
  const token = args.values.token ?? process.env.TOKENTRACE_API_TOKEN ?? null;
  const cpPath = `${file}.tokentrace-import`;
  try {
    const total = (await stat(file)).size;
    const identity = await fileIdentity(file);
    const cp = args.values.restart
      ? { identity, offset: 0, spans: 0, pending: null }
      : await loadCheckpoint(cpPath, identity);
    const resumedAt = cp.offset;
    const progress = progressBar(!args.values["no-progress"], total);
    let line = 1 + (resumedAt === 0 ? 0 : await countLines(file, resumedAt));
    let imported = 0;
    for (;;) {
      // A batch sent before a crash is resent exactly as it was (same bytes, same key).
      const maxLines = cp.pending ? cp.pending.lines : batchSize;
      const batch = await readBatch(file, cp.offset, maxLines, line);
      if (batch === null) break;
      if (cp.pending && batch.end !== cp.pending.end)
        throw new ImportError("the file changed under a pending batch; use --restart");
      cp.pending = { start: batch.start, end: batch.end, lines: batch.lines };
      await saveCheckpoint(cpPath, cp);
      await send(url, token, batchKey(identity, batch.start, batch.end), batch, maxAttempts);
      cp.offset = batch.end;
      cp.spans += batch.lines;
      cp.pending = null;
      await saveCheckpoint(cpPath, cp);
      imported += batch.lines;
      line += batch.lines;
      progress(cp.offset, imported);
    }
    progress(cp.offset, imported, true);
    const from = resumedAt > 0 ? ` (resumed at byte ${resumedAt})` : "";
    console.log(`imported ${imported} spans from ${file} to ${url}${from}; ${cp.spans} in total`);
    return 0;
  } catch (err) {
    if (process.stderr.isTTY) process.stderr.write("\n");
    const msg = err instanceof ImportError ? err.message : String((err as Error).message ?? err);
    console.error(`tokentrace import: ${msg}\nProgress is saved in ${cpPath}: run the same command to resume.`);
    return 1;
  }
}

async function countLines(file: string, upTo: number): Promise<number> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(upTo, 1024 * 1024));
    let n = 0;
    for (let pos = 0; pos < upTo; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, upTo - pos), pos);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) if (buf[i] === 10) n++;
      pos += bytesRead;
    }
    return n;
  } finally {
    await fh.close();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      "batch-size": { type: "string" },
      "max-attempts": { type: "string" },
      restart: { type: "boolean" },
      "no-progress": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
