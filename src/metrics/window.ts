import { ApiError } from "../errors.js";
import { formatDuration, parseDuration } from "../util/duration.js";

/** A metrics window: the text the user wrote (echoed back) and its length. It always ends now. */
export interface Window {
  label: string;
  ms: number;
}

const DEFAULT_WINDOW = "1h";
const HINT = "use 1h, 6h, 24h, 7d, 30d or a Go/Prometheus duration such as 90m, 1h30m, 2d (at most 10y)";

/**
 * Parses the `window` query parameter (default 1h). A bad value is a 400 that names the parameter.
 *
 * @example parseWindow("1h30m") // { label: "1h30m", ms: 5_400_000 }
 */
export function parseWindow(raw: unknown, param = "window"): Window {
  if (raw === undefined) return { label: DEFAULT_WINDOW, ms: parseDuration(DEFAULT_WINDOW) as number };
  if (typeof raw !== "string") throw new ApiError("invalid_query", `${param}: give it once (${HINT})`);
  const ms = parseDuration(raw);
  if (ms === null) throw new ApiError("invalid_query", `${param}: "${raw}" is not a duration; ${HINT}`);
  return { label: raw.trim(), ms };
}

/** Steps the series endpoint picks from when none is given: round figures a chart axis can show. */
const NICE_STEPS = [
  "10s",
  "30s",
  "1m",
  "2m",
  "5m",
  "10m",
  "15m",
  "30m",
  "1h",
  "2h",
  "3h",
  "6h",
  "12h",
  "1d",
  "2d",
  "7d",
];
export const MAX_POINTS = 2000;
const MIN_STEP_MS = 1000;

/** The smallest round step giving at most 300 points (so about 100–300) over the window. */
export function defaultStep(windowMs: number): Window {
  for (const label of NICE_STEPS) {
    const ms = parseDuration(label) as number;
    if (windowMs / ms <= 300) return { label, ms };
  }
  const ms = Math.ceil(windowMs / 300 / 86_400_000) * 86_400_000;
  return { label: formatDuration(ms), ms };
}

/** Parses `step` for a series; a step under 1s or one giving more than MAX_POINTS points is a 400. */
export function parseStep(raw: unknown, windowMs: number): Window {
  if (raw === undefined) return defaultStep(windowMs);
  if (typeof raw !== "string") throw new ApiError("invalid_query", "step: give it once");
  const ms = parseDuration(raw);
  if (ms === null)
    throw new ApiError("invalid_query", `step: "${raw}" is not a duration such as 30s, 5m, 1h (at most 10y)`);
  if (ms < MIN_STEP_MS) throw new ApiError("invalid_query", `step: "${raw}" is below the 1s minimum`);
  const points = Math.ceil(windowMs / ms) + 1;
  if (points > MAX_POINTS) {
    throw new ApiError(
      "invalid_query",
      `step: "${raw}" gives ${points} points over the window; the most is ${MAX_POINTS}, use a larger step`,
    );
  }
  return { label: raw.trim(), ms };
}
