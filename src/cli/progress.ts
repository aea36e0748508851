/**
 * A progress line for exports on stderr: redrawn in place on a terminal (a bar that fills
 * and empties while the total is unknown, spans, bytes, rate), silent otherwise.
 * Call with final = true once at the end.
 */
export function exportProgress(enabled: boolean): (rows: number | null, bytes: number | null, final?: boolean) => void {
  const on = enabled && process.stderr.isTTY === true;
  const t0 = Date.now();
  let last = 0;
  let tick = 0;
  return (rows, bytes, final = false) => {
    if (!on) return;
    const t = Date.now();
    if (!final && t - last < 100) return;
    last = t;
    const width = 20;
    const pos = tick++ % (2 * width);
    const at = pos < width ? pos : 2 * width - pos;
    const bar = final
      ? "#".repeat(width)
      : `${"-".repeat(at)}###${"-".repeat(Math.max(0, width - at - 3))}`.slice(0, width);
    const secs = Math.max(0.001, (t - t0) / 1000);
    const parts: string[] = [];
    if (rows !== null)
      parts.push(`${rows.toLocaleString("en-US")} spans (${Math.round(rows / secs).toLocaleString("en-US")}/s)`);
    if (bytes !== null) parts.push(`${(bytes / 1e6).toFixed(1)} MB`);
    process.stderr.write(`\r[${bar}] ${parts.join(" ")}\x1b[K${final ? "\n" : ""}`);
  };
}

export interface ImportProgressOptions {
  /** False with --no-progress: nothing is written. */
  enabled: boolean;
  /** Bytes in the file when the import began. */
  total: number;
  /** Bytes already imported by an earlier run (a resumed import). */
  start: number;
  /** A terminal redraws one bar; anything else (a pipe, a CI log) gets a line per 10%. */
  tty: boolean;
  write: (text: string) => void;
  now: () => number;
}

/**
 * The import's progress on stderr. On a terminal a bar redrawn after every batch; otherwise
 * one line each time another tenth of the file is done (10%, 20%, ...), and the single 100%
 * line comes from the final call, which is made once when the file is done.
 *
 * @example const p = importProgress({ enabled: true, total, start: 0, tty: false, write, now: Date.now }); p(done, spans); p(total, spans, true);
 */
export function importProgress(o: ImportProgressOptions): (done: number, spans: number, final?: boolean) => void {
  const t0 = o.now();
  const percent = (done: number) => (o.total === 0 ? 100 : Math.floor((done / o.total) * 100));
  // the tenths an earlier run already covered are not announced again
  let lastTenth = Math.floor(percent(o.start) / 10);
  return (done, spans, final = false) => {
    if (!o.enabled) return;
    const pct = final ? 100 : Math.min(100, percent(done));
    const rate = Math.round(spans / Math.max(0.001, (o.now() - t0) / 1000));
    const text = `${pct}% ${spans.toLocaleString("en-US")} spans ${(done / 1e6).toFixed(1)}/${(Math.max(done, o.total) / 1e6).toFixed(1)} MB ${rate.toLocaleString("en-US")} spans/s`;
    if (o.tty) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      o.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}\x1b[K${final ? "\n" : ""}`);
      return;
    }
    // 100% is said once, by the final call (a last batch may reach it first, or the file grow)
    const tenth = Math.floor(pct / 10);
    if (!final && (pct >= 100 || tenth <= lastTenth)) return;
    lastTenth = tenth;
    o.write(`import: ${text}\n`);
  };
}
