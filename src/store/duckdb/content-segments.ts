// Runs inside the store worker: the bytes of the content log, one segment per UTC hour of
// the spans' start. Files next to the DuckDB file, or buffers for a `:memory:` store.
import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** Append-only byte segments keyed by hour (epoch ms). */
export interface Segments {
  /** Hours that have a segment. */
  hours(): number[];
  /** Bytes in the hour's segment (0 when it has none). */
  size(hour: number): number;
  /** Appends at the end; durable only after sync(). */
  append(hour: number, bytes: Uint8Array): void;
  sync(hours: Iterable<number>): void;
  /** Cuts the segment back to `size` bytes (an undone write, an orphan tail). */
  truncate(hour: number, size: number): void;
  /** `length` bytes at `offset`; null when the segment is gone or shorter. */
  read(hour: number, offset: number, length: number): Buffer | null;
  remove(hour: number): void;
  close(): void;
}

/** `2026-11-30T19.log` for the hour starting at 19:00 UTC that day. */
const fileName = (hour: number) => `${new Date(hour).toISOString().slice(0, 13)}.log`;
const hourOfFile = (name: string) =>
  /^\d{4}-\d\d-\d\dT\d\d\.log$/.test(name) ? Date.parse(`${name.slice(0, 13)}:00:00Z`) : NaN;

/** Segment files in `dir` (created if missing), one open descriptor each. */
export class FileSegments implements Segments {
  private readonly open = new Map<number, { fd: number; size: number }>();
  /** A segment file was created since the last sync: the directory entry must be synced too. */
  private created = false;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  hours(): number[] {
    return readdirSync(this.dir)
      .map(hourOfFile)
      .filter((h) => !Number.isNaN(h))
      .sort((a, b) => a - b);
  }

  private file(hour: number, create: boolean): { fd: number; size: number } | null {
    let f = this.open.get(hour);
    if (f !== undefined) return f;
    let fd: number;
    try {
      fd = openSync(join(this.dir, fileName(hour)), create ? "a+" : "r+");
    } catch (e) {
      if (!create && (e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    f = { fd, size: fstatSync(fd).size };
    if (create && f.size === 0) this.created = true;
    this.open.set(hour, f);
    return f;
  }

  size(hour: number): number {
    return this.file(hour, false)?.size ?? 0;
  }

  append(hour: number, bytes: Uint8Array): void {
    const f = this.file(hour, true) as { fd: number; size: number };
    // At the end by position: a descriptor opened for reading ("r+") has its own file offset.
    for (let at = 0; at < bytes.length; ) at += writeSync(f.fd, bytes, at, bytes.length - at, f.size + at);
    f.size += bytes.length;
  }

  sync(hours: Iterable<number>): void {
    for (const h of hours) {
      const f = this.open.get(h);
      if (f !== undefined) fdatasyncSync(f.fd);
    }
    if (this.created) {
      const d = openSync(this.dir, "r");
      try {
        fsyncSync(d);
      } finally {
        closeSync(d);
      }
      this.created = false;
    }
  }

  truncate(hour: number, size: number): void {
    const f = this.file(hour, false);
    if (f === null || f.size <= size) return;
    ftruncateSync(f.fd, size);
    f.size = size;
  }

  read(hour: number, offset: number, length: number): Buffer | null {
    const f = this.file(hour, false);
    if (f === null || offset + length > f.size) return null;
    const out = Buffer.allocUnsafe(length);
    for (let at = 0; at < length; ) {
      const n = readSync(f.fd, out, at, length - at, offset + at);
      if (n === 0) return null;
      at += n;
    }
    return out;
  }

  remove(hour: number): void {
    const f = this.open.get(hour);
    if (f !== undefined) closeSync(f.fd);
    this.open.delete(hour);
    rmSync(join(this.dir, fileName(hour)), { force: true });
  }

  close(): void {
    for (const f of this.open.values()) closeSync(f.fd);
    this.open.clear();
  }
}

/** Segments of a `:memory:` store: gone with the process, like its tables. */
export class MemorySegments implements Segments {
  private readonly bufs = new Map<number, { bytes: Buffer; size: number }>();

  hours(): number[] {
    return [...this.bufs.keys()].sort((a, b) => a - b);
  }

  size(hour: number): number {
    return this.bufs.get(hour)?.size ?? 0;
  }

  append(hour: number, bytes: Uint8Array): void {
    const s = this.bufs.get(hour) ?? { bytes: Buffer.alloc(0), size: 0 };
    if (s.size + bytes.length > s.bytes.length) {
      const grown = Buffer.alloc(Math.max(2 * s.bytes.length, s.size + bytes.length, 1 << 16));
      s.bytes.copy(grown, 0, 0, s.size);
      s.bytes = grown;
    }
    s.bytes.set(bytes, s.size);
    s.size += bytes.length;
    this.bufs.set(hour, s);
  }

  sync(): void {}

  truncate(hour: number, size: number): void {
    const s = this.bufs.get(hour);
    if (s !== undefined && s.size > size) s.size = size;
  }

  read(hour: number, offset: number, length: number): Buffer | null {
    const s = this.bufs.get(hour);
    if (s === undefined || offset + length > s.size) return null;
    return Buffer.from(s.bytes.subarray(offset, offset + length));
  }

  remove(hour: number): void {
    this.bufs.delete(hour);
  }

  close(): void {
    this.bufs.clear();
  }
}
