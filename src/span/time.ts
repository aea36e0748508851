// RFC 3339 date-time: "2026-03-15T14:23:01.441Z", "2026-03-15 14:23:01+02:00", lower-case t/z allowed.
// The reference grammar; parseRfc3339 checks it by hand (a regex exec cost ~1 µs a timestamp
// on the ingest path) and uses this only for years 0000-0099, which Date.UTC would misread.
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Largest instant toISOString can render in a 4-digit year: 9999-12-31T23:59:59.999Z. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The ASCII digit at `i` as 0-9, or -1. */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two ASCII digits at `i` as 0-99, or -1. */
function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds (sub-millisecond digits are
 * truncated). Rejects impossible dates such as Feb 30 that Date.parse would roll over.
 * Returns null when the text is not RFC 3339.
 */
export function parseRfc3339(text: string): number | null {
  const len = text.length;
  if (len < 20) return null;
  const y1 = two(text, 0);
  const y2 = two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  if ((y1 | y2 | month | day | hour | minute | second) < 0) return null;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null; // "-"
  if (sep !== 84 && sep !== 116 && sep !== 32) return null; // "T", "t", " "
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null; // ":"
  const year = y1 * 100 + y2;
  // Date.UTC maps years 0-99 to 1900-1999: the regex path keeps their old handling.
  if (year < 100) return parseRfc3339Slow(text);

  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    // "."
    const from = ++at;
    while (at < len && digit(text, at) >= 0) at++;
    const n = at - from;
    if (n === 0) return null;
    if (n <= 3) {
      ms = digit(text, from) * 100;
      if (n > 1) ms += digit(text, from + 1) * 10;
      if (n > 2) ms += digit(text, from + 2);
    } else {
      // Same rounding as always (within 1e-6 ms rounds up), so results never change.
      ms = Math.trunc(Number(`0${text.slice(from - 1, at)}`) * 1000 + 1e-6);
    }
  }
  let offset = 0;
  const z = text.charCodeAt(at);
  if (z === 90 || z === 122) {
    // "Z", "z"
    if (at + 1 !== len) return null;
  } else if (z === 43 || z === 45) {
    // "+", "-"
    if (at + 6 !== len || text.charCodeAt(at + 3) !== 58) return null;
    const oh = two(text, at + 1);
    const om = two(text, at + 4);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return null;
    offset = (oh * 60 + om) * 60_000 * (z === 45 ? -1 : 1);
  } else return null;

  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month])) return null;
  const seconds = ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
  return seconds * 1000 + ms - offset;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, as Date.UTC counts them (H. Hinnant's
 * days_from_civil); plain arithmetic, a few times cheaper than calling Date.UTC.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The regex parser, kept for years 0000-0099 (set with setUTCFullYear, not Date.UTC). */
function parseRfc3339Slow(text: string): number | null {
  const m = RFC3339_RE.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const ms = m[7] === undefined ? 0 : Math.trunc(Number(`0${m[7]}`) * 1000 + 1e-6);
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (oh * 60 + om) * 60_000 * (m[9] === "-" ? -1 : 1);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offset;
}

/**
 * Reads a timestamp given as RFC 3339 text or epoch milliseconds (fractions truncated).
 * Returns null when it is neither, or outside years 0000–9999.
 */
export function parseTimestamp(v: unknown): number | null {
  let ms: number | null = null;
  if (typeof v === "string") ms = parseRfc3339(v);
  else if (typeof v === "number" && Number.isFinite(v)) ms = Math.trunc(v);
  if (ms === null || ms < 0 || ms > MAX_EPOCH_MS) return null;
  return ms;
}
