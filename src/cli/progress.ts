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
