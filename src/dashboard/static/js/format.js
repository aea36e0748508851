// Number and time formatting shared by every view. Money keeps enough digits to be exact
// at the scale it is shown (a single call costs fractions of a cent).

const intFmt = new Intl.NumberFormat("en-US");

export function usd(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a === 0) return "$0.00";
  if (a >= 1000) return `$${intFmt.format(Math.round(v))}`;
  if (a >= 0.1) return `$${v.toFixed(2)}`;
  if (a >= 0.01) return `$${v.toFixed(3)}`;
  return `$${v.toFixed(Math.min(12, 2 - Math.floor(Math.log10(a))))}`;
}

export function int(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return intFmt.format(Math.round(v));
}

/** 1234567 → "1.23M": for tiles and axes where width is scarce. */
export function compact(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}B`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return int(v);
}

export function ms(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (v < 1) return `${Number(v.toPrecision(2))} ms`;
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${Number((v / 1000).toPrecision(3))} s`;
  const m = Math.floor(v / 60_000);
  return `${m}m ${Math.round((v % 60_000) / 1000)}s`;
}

export function pct(rate) {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "–";
  const p = rate * 100;
  return `${p === 0 ? "0" : p < 10 ? p.toFixed(2) : p.toFixed(1)}%`;
}

export function score(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  return v.toFixed(3);
}

/** Formats a metric value by the unit its name implies (alert rules, series tooltips). */
export function metricValue(metric, v) {
  if (v === null || v === undefined) return "–";
  if (/cost/.test(metric)) return usd(v);
  if (/latency|ttft/.test(metric)) return ms(v);
  if (/rate/.test(metric)) return pct(v);
  if (/quality/.test(metric)) return score(v);
  return int(v);
}

/** Accepts epoch ms, epoch seconds or an RFC 3339 string; returns epoch ms. */
export function toMs(t) {
  if (typeof t === "number") return t < 1e11 ? t * 1000 : t;
  if (typeof t === "string") return Date.parse(t);
  return Number.NaN;
}

export function dateTime(t) {
  const d = new Date(toMs(t));
  if (Number.isNaN(d.getTime())) return "–";
  return d.toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "3 min ago", "in 2 h": for last-evaluated and silenced-until columns. */
export function relative(t, now = Date.now()) {
  const v = toMs(t);
  if (Number.isNaN(v)) return "never";
  const d = Math.round((v - now) / 1000);
  const a = Math.abs(d);
  const text =
    a < 60
      ? `${a} s`
      : a < 3600
        ? `${Math.round(a / 60)} min`
        : a < 172800
          ? `${Math.round(a / 3600)} h`
          : `${Math.round(a / 86400)} d`;
  return d < 0 ? `${text} ago` : `in ${text}`;
}

/** "14:03:27" today, "Mar 14, 14:03" on another day: for lists where width is scarce. */
export function shortTime(t, now = Date.now()) {
  const d = new Date(toMs(t));
  if (Number.isNaN(d.getTime())) return "–";
  if (d.toDateString() === new Date(now).toDateString())
    return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
