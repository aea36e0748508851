// Calendar periods in a time zone, for budgets: "this month in Europe/Berlin" starts at
// local midnight on the 1st, whatever the UTC offset, and a day across a DST change lasts 23
// or 25 hours. Pure: the time is passed in.

export const PERIODS = ["day", "week", "month"] as const;
export type Period = (typeof PERIODS)[number];

/** One calendar period: [start, end) in epoch ms, and a key naming it ("2026-03", "2026-W11", "2026-03-29"). */
export interface CalendarPeriod {
  start: number;
  end: number;
  key: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone this runtime knows ("Europe/Berlin", "UTC"). */
export function isTimeZone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

interface Civil {
  y: number;
  m: number;
  d: number;
}

/** The wall-clock fields of `t` in `tz`. */
function civil(t: number, tz: string): Civil & { h: number; min: number; s: number } {
  const parts: Record<string, number> = {};
  for (const p of format(tz).formatToParts(new Date(t))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { y: parts.year, m: parts.month, d: parts.day, h: parts.hour, min: parts.minute, s: parts.second };
}

/** How far `tz` is ahead of UTC at `t`, in ms (whole seconds: sub-second offsets do not exist). */
function offsetAt(t: number, tz: string): number {
  const c = civil(t, tz);
  const asUtc = Date.UTC(c.y, c.m - 1, c.d, c.h, c.min, c.s);
  return asUtc - Math.floor(t / 1000) * 1000;
}

const sameDay = (a: Civil, b: Civil) => a.y === b.y && a.m === b.m && a.d === b.d;

/**
 * The first instant of day `c` in `tz`: its local midnight, or, where a DST jump skips
 * midnight (as in some zones it does), the instant the day begins.
 */
function localMidnight(c: Civil, tz: string): number {
  const wall = Date.UTC(c.y, c.m - 1, c.d);
  // Two passes settle the offset on either side of a change.
  let t = wall - offsetAt(wall, tz);
  t = wall - offsetAt(t, tz);
  if (sameDay(civil(t, tz), c) && !sameDay(civil(t - 1000, tz), c)) return t;
  // Midnight was skipped, so t fell on the day before: the day begins at the jump, within
  // hours after t. Find it to the second.
  let lo = Math.min(t, wall - 15 * 3_600_000);
  let hi = t + 4 * 3_600_000;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    const m = civil(mid, tz);
    if (m.y < c.y || (m.y === c.y && (m.m < c.m || (m.m === c.m && m.d < c.d)))) lo = mid;
    else hi = mid;
  }
  return hi;
}

function addDays(c: Civil, days: number): Civil {
  const d = new Date(Date.UTC(c.y, c.m - 1, c.d + days));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO week number and its year of a civil date (weeks start on Monday). */
function isoWeek(c: Civil): { year: number; week: number } {
  const d = new Date(Date.UTC(c.y, c.m - 1, c.d));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return { year, week };
}

/**
 * The calendar period holding `now` in time zone `tz`: a day from local midnight, a week from
 * Monday's local midnight (ISO weeks), a month from the 1st's local midnight, each up to the
 * next one's start.
 *
 * @example calendarPeriod("month", "Europe/Berlin", Date.parse("2026-03-15T12:00:00Z"))
 *   // { start: Date.parse("2026-02-28T23:00:00Z"), end: Date.parse("2026-03-31T22:00:00Z"), key: "2026-03" }
 */
export function calendarPeriod(period: Period, tz: string, now: number): CalendarPeriod {
  // A round asks this for every budget and group at one `now`; reading a wall clock through
  // Intl costs ~10 µs, and a period takes a dozen of them.
  const key = `${period}|${tz}|${now}`;
  let p = recent.get(key);
  if (p === undefined) {
    p = computePeriod(period, tz, now);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
    recent.set(key, p);
  }
  return p;
}

const RECENT_MAX = 256;
const recent = new Map<string, CalendarPeriod>();

function computePeriod(period: Period, tz: string, now: number): CalendarPeriod {
  const today = civil(now, tz);
  let first: Civil;
  let next: Civil;
  let key: string;
  if (period === "day") {
    first = today;
    next = addDays(today, 1);
    key = `${today.y}-${pad(today.m)}-${pad(today.d)}`;
  } else if (period === "week") {
    const dow = new Date(Date.UTC(today.y, today.m - 1, today.d)).getUTCDay() || 7;
    first = addDays(today, 1 - dow);
    next = addDays(first, 7);
    const w = isoWeek(today);
    key = `${w.year}-W${pad(w.week)}`;
  } else {
    first = { y: today.y, m: today.m, d: 1 };
    next = today.m === 12 ? { y: today.y + 1, m: 1, d: 1 } : { y: today.y, m: today.m + 1, d: 1 };
    key = `${today.y}-${pad(today.m)}`;
  }
  return { start: localMidnight(first, tz), end: localMidnight(next, tz), key };
}
