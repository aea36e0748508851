const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** The longest duration accepted anywhere (windows, steps, rule windows, silences): 10 years. */
export const MAX_DURATION_MS = 10 * UNIT_MS.y;

/**
 * Parses a Go/Prometheus-style duration ("90m", "1h30m", "2d", "1.5h", "500ms") into
 * milliseconds. Returns null for anything else, including zero or negative durations and
 * durations over MAX_DURATION_MS (10y), which no window or timer needs and whose arithmetic
 * would leave the range of a date.
 *
 * @example parseDuration("1h30m") // 5_400_000
 */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === "" || s.length > 64) return null;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== s.length || !(total > 0) || total > MAX_DURATION_MS) return null;
  return Math.round(total);
}

/** Renders milliseconds as a compact duration ("1h30m", "7d", "250ms"). */
export function formatDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let rest = ms / 1000;
  let out = "";
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || "0s";
}
