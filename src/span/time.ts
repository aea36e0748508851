// RFC 3339 date-time: "2026-03-15T14:23:01.441Z", "2026-03-15 14:23:01+02:00", lower-case t/z allowed.
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Largest instant toISOString can render in a 4-digit year: 9999-12-31T23:59:59.999Z. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * Parses an RFC 3339 timestamp into epoch milliseconds (sub-millisecond digits are
 * truncated). Rejects impossible dates such as Feb 30 that Date.parse would roll over.
 * Returns null when the text is not RFC 3339.
 */
export function parseRfc3339(text: string): number | null {
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
