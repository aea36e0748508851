// The file side of `tokentrace import`: which file it is across runs, the checkpoint kept
// beside it, and batches of complete lines read from a byte offset.
import { createHash } from "node:crypto";
import { open, readFile, rename, writeFile } from "node:fs/promises";
import type { WireSpan } from "../sdk/wire.js";

/** Progress kept beside the file: `offset` bytes are committed; `pending` was sent but not yet confirmed. */
export interface Checkpoint {
  identity: string;
  offset: number;
  spans: number;
  pending: { start: number; end: number; lines: number } | null;
}

const MAX_BATCH_BYTES = 4 * 1024 * 1024; // well under the server's 10 MiB max_body_bytes

/** A line of the file that is not JSON; `line` counts from 1, as editors do. */
export class BadLineError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * Identifies the file across runs: its inode and its first line, which appending never
 * changes (a rotated or replaced file differs, so its checkpoint is not reused).
 */
export async function fileIdentity(path: string): Promise<string> {
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

export async function loadCheckpoint(path: string, identity: string): Promise<Checkpoint> {
  const fresh: Checkpoint = { identity, offset: 0, spans: 0, pending: null };
  try {
    const cp = JSON.parse(await readFile(path, "utf8")) as Checkpoint;
    return cp.identity === identity && Number.isSafeInteger(cp.offset) ? cp : fresh;
  } catch {
    return fresh;
  }
}

export async function saveCheckpoint(path: string, cp: Checkpoint): Promise<void> {
  // Write then rename: a crash leaves the old or the new checkpoint, never half of one.
  await writeFile(`${path}.tmp`, JSON.stringify(cp));
  await rename(`${path}.tmp`, path);
}

export interface Batch {
  start: number;
  end: number;
  /** Spans in the batch (blank lines are skipped). */
  lines: number;
  /** Line breaks consumed, blank lines included: the next batch's first line is firstLine + newlines. */
  newlines: number;
  /** The file's line number of each span of `body`, for errors the server reports as spans[i]. */
  lineNumbers: number[];
  /** The LLM spans, as the JSON array POST /spans takes. */
  body: string;
  /** Grouping spans (a trace or span without an LLM call: no model), for POST /v1/traces. */
  groups: WireSpan[];
  /** The file's line number of each grouping span. */
  groupLines: number[];
}

/**
 * A grouping span as FileTransport writes it: no model, with what OTLP needs (ids, start
 * time, duration). A line without a model that lacks these goes to POST /spans like any
 * other, where the server says what is missing.
 */
function isGroupLine(v: unknown): v is WireSpan {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const s = v as Record<string, unknown>;
  return (
    (s.model === undefined || s.model === null) &&
    typeof s.trace_id === "string" &&
    typeof s.span_id === "string" &&
    typeof s.name === "string" &&
    typeof s.started_at === "string" &&
    !Number.isNaN(Date.parse(s.started_at)) &&
    typeof s.latency_ms === "number" &&
    s.latency_ms >= 0 &&
    typeof s.attributes === "object" &&
    s.attributes !== null
  );
}

/**
 * Complete lines from `start` (the file's line `firstLine`), up to `maxLines` spans /
 * MAX_BATCH_BYTES; a last line without "\n" is left for later. Throws BadLineError on a
 * line that is not JSON, so the user learns where it is before anything is sent.
 */
export async function readBatch(
  file: string,
  start: number,
  maxLines: number,
  firstLine: number,
): Promise<Batch | null> {
  const fh = await open(file, "r");
  try {
    const parts: string[] = [];
    const lineNumbers: number[] = [];
    const groups: WireSpan[] = [];
    const groupLines: number[] = [];
    let pos = start;
    let consumed = start;
    let newlines = 0;
    let carry = Buffer.alloc(0);
    const buf = Buffer.alloc(256 * 1024);
    const full = () => parts.length + groups.length >= maxLines || consumed - start >= MAX_BATCH_BYTES;
    while (!full()) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let data = Buffer.concat([carry, buf.subarray(0, bytesRead)]);
      let nl = data.indexOf(10);
      while (nl !== -1 && !full()) {
        const line = data.subarray(0, nl).toString("utf8").trim();
        const number = firstLine + newlines;
        consumed += nl + 1;
        newlines++;
        data = data.subarray(nl + 1);
        if (line === "") {
          // a blank line: skipped
        } else {
          const value = parseLine(line, number);
          if (isGroupLine(value)) {
            groups.push(value);
            groupLines.push(number);
          } else {
            parts.push(line);
            lineNumbers.push(number);
          }
        }
        nl = data.indexOf(10);
      }
      carry = Buffer.from(data);
    }
    if (consumed === start) return null;
    const lines = parts.length + groups.length;
    return { start, end: consumed, lines, newlines, lineNumbers, body: `[${parts.join(",")}]`, groups, groupLines };
  } finally {
    await fh.close();
  }
}

function parseLine(line: string, number: number): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    throw new BadLineError(number, `not valid JSON (${(err as Error).message})`);
  }
}

/** Line breaks in the first `upTo` bytes: the line number an import resumed at `upTo` starts from, minus one. */
export async function countLines(file: string, upTo: number): Promise<number> {
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
