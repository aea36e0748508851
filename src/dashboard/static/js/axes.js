// Y axes for the charts: which values get a tick, how ticks are labelled, and the range.
// Every tick carries a label, in round numbers, in the unit the chart is about.

/** Smallest gap between two tick labels, in CSS pixels, before they start to crowd. */
const TICK_GAP = 24;

const clean = (v) => Number(v.toPrecision(6));

/**
 * Ticks for a log axis from `min` to `max`, `heightPx` tall: the powers of ten (every other
 * one when even they crowd), then 5× and 2× values wherever they are at least TICK_GAP
 * pixels from every tick already chosen. Every tick gets a label.
 */
export function logTicks(min, max, heightPx) {
  if (!(min > 0) || !(max > min)) return min > 0 ? [clean(min)] : [];
  const pxPerDecade = heightPx / Math.log10(max / min);
  const at = (v) => Math.log10(v / min) * pxPerDecade;
  const inRange = (v) => v >= min * 0.999 && v <= max * 1.001;
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const every = Math.max(1, Math.ceil(TICK_GAP / pxPerDecade));
  const chosen = [];
  for (let p = lo; p <= hi; p++) if (p % every === 0 && inRange(clean(10 ** p))) chosen.push(clean(10 ** p));
  for (const m of every === 1 ? [5, 2] : []) {
    for (let p = lo; p <= hi; p++) {
      const v = clean(m * 10 ** p);
      if (inRange(v) && chosen.every((c) => Math.abs(at(c) - at(v)) >= TICK_GAP)) chosen.push(v);
    }
  }
  return chosen.sort((a, b) => a - b);
}

/** A log range that starts and ends on a labelled tick: padding to the next 1-2-5 value. */
export function logRange(min, max) {
  if (min == null || max == null || !(max > 0)) return [1, 10];
  const lo = Math.max(min, 1e-3);
  const down = (v) => {
    const p = 10 ** Math.floor(Math.log10(v));
    return clean([5, 2, 1].map((m) => m * p).find((t) => t <= v * 1.0001) ?? p);
  };
  const up = (v) => {
    const p = 10 ** Math.floor(Math.log10(v));
    return clean([1, 2, 5, 10].map((m) => m * p).find((t) => t >= v * 0.9999));
  };
  const a = down(lo);
  const b = up(Math.max(max, lo));
  return a === b ? [a, up(b * 1.01)] : [a, b];
}

/** Latency tick: "50 ms", "200 ms", "1 s", "20 s", "100 s" (never minutes: the axis is one unit per side). */
export function msTick(v) {
  if (v == null) return "";
  return v < 1000 ? `${clean(v)} ms` : `${clean(v / 1000)} s`;
}

/** Rate tick: "0%", "2.5%", "40%". */
export function pctTick(v) {
  return v == null ? "" : `${clean(v * 100)}%`;
}

/** A range from 0 that leaves a little air above the highest value. */
export function zeroRange(min, max) {
  return [Math.min(0, min ?? 0), max > 0 ? max * 1.08 : 1];
}

/** Scores live in [0, 1] but move by hundredths: zoom in on where the lines are. */
export function tightRange(min, max) {
  return min == null ? [0, 1] : [Math.max(0, min - 0.04), Math.min(1, max + 0.02)];
}
