import { type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Span } from "../../span/types.js";
import type { WireScore } from "../score.js";
import { toWireSpan } from "../wire.js";
import { type ExportResult, failure, retryable, SUCCESS, type Transport } from "./types.js";

export interface FileTransportOptions {
  /** The JSON-lines file; rotated files get .1, .2, ... (newest first). */
  path: string;
  /**
   * Where scores go, one per line in the body format of POST /scores (default: the span file's
   * name with .scores before its extension, spans.jsonl → spans.scores.jsonl), rotated alike.
   * A file of their own: `tokentrace import` reads the span file as spans.
   */
  scoresPath?: string;
  /** Rotate before a write would take the file past this size (default 50 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 5). */
  maxFiles?: number;
  /**
   * Spans the tracer may hold while the file is written, whatever its own maxQueueSize
   * (default 100 000, some 40 MB): a burst of calls in a loop is written, not dropped.
   */
  maxQueueSize?: number;
}

// Errors that another attempt cannot fix (EEXIST: a regular file where a directory should be).
const PERMANENT = new Set(["EACCES", "EPERM", "EISDIR", "EROFS", "ENOTDIR", "EEXIST"]);

/**
 * Appends spans as JSON lines (the body format of POST /spans, one span per line), for
 * `tokentrace import` or any log shipper. Size-based rotation; the file is closed on shutdown.
 *
 * @example createTracer({ transport: new FileTransport({ path: "./spans.jsonl" }) })
 */
export class FileTransport implements Transport {
  readonly name = "file";
  readonly path: string;
  readonly minQueueSize: number;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private handle: FileHandle | null = null;
  private size = 0;
  private readonly scoresPath: string;
  private scoreFile: FileTransport | null = null;

  constructor(opts: FileTransportOptions) {
    this.path = opts.path;
    this.maxBytes = opts.maxBytes ?? 50 * 1024 * 1024;
    this.maxFiles = Math.max(0, opts.maxFiles ?? 5);
    this.minQueueSize = opts.maxQueueSize ?? 100_000;
    this.scoresPath = opts.scoresPath ?? defaultScoresPath(opts.path);
  }

  get target(): string {
    return this.path;
  }

  async export(spans: Span[]): Promise<ExportResult> {
    let text = "";
    for (const s of spans) text += `${JSON.stringify(toWireSpan(s))}\n`;
    return this.writeLines(text);
  }

  async exportScores(scores: WireScore[]): Promise<ExportResult> {
    let text = "";
    for (const s of scores) text += `${JSON.stringify(s)}\n`;
    this.scoreFile ??= new FileTransport({ path: this.scoresPath, maxBytes: this.maxBytes, maxFiles: this.maxFiles });
    return this.scoreFile.writeLines(text);
  }

  private async writeLines(text: string): Promise<ExportResult> {
    const bytes = Buffer.from(text);
    try {
      if (this.handle === null) await this.openFile();
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) await this.rotate();
      await (this.handle as FileHandle).write(bytes);
      this.size += bytes.length;
      return SUCCESS;
    } catch (err) {
      await this.closeFile();
      const code = (err as { code?: string }).code ?? "";
      const msg = `${this.path}: ${String((err as Error).message ?? err)}`;
      return PERMANENT.has(code) ? failure(msg) : retryable(msg);
    }
  }

  async shutdown(): Promise<void> {
    await this.scoreFile?.shutdown();
    if (this.handle !== null) await this.handle.sync().catch(() => undefined);
    await this.closeFile();
  }

  private async openFile(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.handle = await open(this.path, "a");
    this.size = (await stat(this.path)).size;
  }

  private async rotate(): Promise<void> {
    await this.closeFile();
    if (this.maxFiles === 0) await rm(this.path, { force: true });
    else {
      await rm(`${this.path}.${this.maxFiles}`, { force: true });
      for (let i = this.maxFiles - 1; i >= 1; i--)
        await rename(`${this.path}.${i}`, `${this.path}.${i + 1}`).catch(() => undefined);
      await rename(this.path, `${this.path}.1`);
    }
    await this.openFile();
  }

  private async closeFile(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    if (h !== null) await h.close().catch(() => undefined);
  }
}

/** spans.jsonl → spans.scores.jsonl; spans → spans.scores */
function defaultScoresPath(path: string): string {
  const m = /^(.*[^/\\])(\.[^./\\]+)$/.exec(path);
  return m === null ? `${path}.scores` : `${m[1]}.scores${m[2]}`;
}
