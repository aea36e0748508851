import { parseRfc3339 } from "../span/time.js";
import { parseDuration } from "../util/duration.js";

/**
 * A `--since`/`--until` (or `since`/`until` query) value: a duration back from now (`1h`,
 * `7d`, `1h30m`) or an RFC 3339 time. Null when it is neither.
 *
 * @example parseTimeBound("1h", Date.UTC(2026, 2, 15, 12)) // Date.UTC(2026, 2, 15, 11)
 */
export function parseTimeBound(text: string, now: number): number | null {
  const d = parseDuration(text);
  if (d !== null) return now - d;
  return parseRfc3339(text);
}

export const TIME_BOUND_HELP =
  "a duration back from now such as 1h or 7d, or an RFC 3339 time such as 2026-03-15T00:00:00Z";
