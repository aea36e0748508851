import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "../store/store.js";
import type { ExportFormat } from "./format.js";
import { type Manifest, periodFile, readManifest, writeManifest } from "./manifest.js";
import { spanPages } from "./pages.js";
import { writeExportFile } from "./write.js";

export interface ScheduleOptions {
  store: Store;
  dir: string;
  everyMs: number;
  format: ExportFormat;
  /** Wall clock; the store's commit times are compared with it. */
  now?: () => number;
  /**
   * A period is exported only this long after it ends, so that a batch stamped inside it
   * but still committing is not missed (default 30 s, or half the period when shorter; commits
   * take milliseconds).
   */
  settleMs?: number;
  onError?: (e: unknown) => void;
}

/**
 * Scheduled incremental export: one file per period of `everyMs`, by the time the store
 * committed each span, plus manifest.json. Periods follow arrival, not started_at, so a span
 * that arrives late for a period already exported is in the next file, never skipped; the
 * manifest's exported_through is the resume point across runs and restarts, so no span is
 * written twice.
 *
 * @example const ex = new ScheduledExport({ store, dir: "./exports", everyMs: 3_600_000, format: "parquet" }); ex.start();
 */
export class ScheduledExport {
  private readonly now: () => number;
  private readonly settleMs: number;
  private running: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ScheduleOptions) {
    this.now = o.now ?? Date.now;
    this.settleMs = o.settleMs ?? Math.min(30_000, Math.floor(o.everyMs / 2));
  }

  /** Exports at once, then checks every min(every, 1 min). */
  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), Math.min(this.o.everyMs, 60_000));
    this.timer.unref();
  }

  /** Exports every complete period not exported yet; one run at a time; never rejects. */
  run(): Promise<void> {
    this.running = this.running.then(() => this.exportPending().catch((e: unknown) => this.fail(e)));
    return this.running;
  }

  /** Stops the timer and waits for a run in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private fail(e: unknown): void {
    if (this.o.onError) this.o.onError(e);
    else console.error("tokentrace: scheduled export failed (retried at the next check):", e);
  }

  private async exportPending(): Promise<void> {
    const { dir, everyMs, store } = this.o;
    await mkdir(dir, { recursive: true });
    await removeLeftovers(dir);
    const m = await readManifest(dir);
    // A shared database stamps commits with its own clock: compare with that one.
    const settled = (store.clock ? await store.clock() : this.now()) - this.settleMs;
    for (;;) {
      const through = m.exported_through === null ? 0 : Date.parse(m.exported_through);
      const first = await store.firstIngestedAt(through);
      if (first === null) return;
      // Periods with no commits get no file; the next file starts at the first commit's period.
      const start = Math.max(through, Math.floor(first / everyMs) * everyMs);
      const end = Math.floor(start / everyMs) * everyMs + everyMs;
      if (end > settled) return;
      await this.exportPeriod(m, start, end);
    }
  }

  private async exportPeriod(m: Manifest, start: number, end: number): Promise<void> {
    const file = periodFile(start, this.o.format);
    const range = { ingestedFrom: start, ingestedTo: end, filter: {} };
    const w = await writeExportFile(spanPages(this.o.store, range), this.o.format, join(this.o.dir, file));
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    m.files.push({
      file,
      period_start: iso(start) as string,
      period_end: iso(end) as string,
      rows: w.rows,
      cost_usd: w.cost_usd,
      min_started_at: iso(w.min_started_at),
      max_started_at: iso(w.max_started_at),
      bytes: w.bytes,
      sha256: w.sha256,
    });
    m.exported_through = iso(end);
    // The manifest moves on only after the file is complete: a crash in between makes the
    // next run write the same period to the same name again, not a second copy.
    await writeManifest(this.o.dir, m);
  }
}

async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.endsWith(".partial") || name.endsWith(".staging.jsonl")) await rm(join(dir, name), { force: true });
  }
}
