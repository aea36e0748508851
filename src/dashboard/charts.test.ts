// The chart helpers that need no browser: axis ticks, the colour palette and its assignment,
// and how an unpriced group is recognised. The palette is checked the way a colour-blind
// reader would see it: each colour is passed through the Machado, Oliveira & Fernandes (2009)
// simulation of protanopia, deuteranopia and tritanopia, and every pair must stay apart by
// CIEDE2000, the standard measure of perceived colour difference.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

type Fn = (...args: never[]) => unknown;
const load = async (file: string) =>
  (await import(new URL(`./static/js/${file}`, import.meta.url).href)) as Record<string, unknown>;
const axes = await load("axes.js");
const colors = await load("colors.js");
const parts = await load("overview-parts.js");
const call = (fn: unknown, ...args: unknown[]) => (fn as Fn as (...a: unknown[]) => unknown)(...args);
const PALETTE = colors.PALETTE as string[];

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const rgb = (hex: string) => [1, 3, 5].map((i) => toLinear(Number.parseInt(hex.slice(i, i + 2), 16) / 255));
const VISION: Record<string, number[][]> = {
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function lab(hex: string, m: number[][]): number[] {
  const c = rgb(hex);
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0] * c[0] + row[1] * c[1] + row[2] * c[2])));
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** CIEDE2000 colour difference (Sharma, Wu & Dalal 2005). */
function deltaE([L1, a1, b1]: number[], [L2, a2, b2]: number[]): number {
  const rad = Math.PI / 180;
  const Cbar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cbar ** 7 / (Cbar ** 7 + 25 ** 7)));
  const [ap1, ap2] = [a1 * (1 + G), a2 * (1 + G)];
  const [C1, C2] = [Math.hypot(ap1, b1), Math.hypot(ap2, b2)];
  const hue = (b: number, a: number) => (a === 0 && b === 0 ? 0 : (Math.atan2(b, a) / rad + 360) % 360);
  const [h1, h2] = [hue(b1, ap1), hue(b2, ap2)];
  let dh = h2 - h1;
  if (C1 * C2 === 0) dh = 0;
  else if (dh > 180) dh -= 360;
  else if (dh < -180) dh += 360;
  const dH = 2 * Math.sqrt(C1 * C2) * Math.sin((dh / 2) * rad);
  const Lbar = (L1 + L2) / 2;
  const Cb = (C1 + C2) / 2;
  let hbar = h1 + h2;
  if (C1 * C2 !== 0) hbar = Math.abs(h1 - h2) <= 180 ? hbar / 2 : hbar < 360 ? (hbar + 360) / 2 : (hbar - 360) / 2;
  const T =
    1 -
    0.17 * Math.cos((hbar - 30) * rad) +
    0.24 * Math.cos(2 * hbar * rad) +
    0.32 * Math.cos((3 * hbar + 6) * rad) -
    0.2 * Math.cos((4 * hbar - 63) * rad);
  const SL = 1 + (0.015 * (Lbar - 50) ** 2) / Math.sqrt(20 + (Lbar - 50) ** 2);
  const SC = 1 + 0.045 * Cb;
  const SH = 1 + 0.015 * Cb * T;
  const RT =
    -Math.sin(2 * 30 * Math.exp(-(((hbar - 275) / 25) ** 2)) * rad) * 2 * Math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7));
  const [l, c, hh] = [(L2 - L1) / SL, (C2 - C1) / SC, dH / SH];
  return Math.sqrt(l * l + c * c + hh * hh + RT * c * hh);
}

describe("palette", () => {
  test("the difference measure agrees with Sharma's published test pairs", () => {
    assert.equal(deltaE([50, 2.6772, -79.7751], [50, 0, -82.7485]).toFixed(4), "2.0425");
    assert.equal(deltaE([50, 2.5, 0], [73, 25, -18]).toFixed(4), "27.1492");
  });

  test("ten colours that stay distinct with every common colour-vision deficiency", () => {
    assert.equal(PALETTE.length, 10);
    // 10 is well past "clearly different at a glance" (about 5); the old palette's two purples scored 1.3 for protanopes.
    for (const [vision, m] of Object.entries(VISION))
      for (const [i, a] of PALETTE.entries())
        for (const b of PALETTE.slice(i + 1)) {
          const d = deltaE(lab(a, m), lab(b, m));
          assert.ok(d >= 10, `${a} and ${b} differ by only ${d.toFixed(1)} with ${vision} vision`);
        }
  });

  test("a group keeps its colour as long as the page is open, and shown groups never share one", () => {
    const memory = new Map();
    const assign = (groups: string[]) => call(colors.assignColors, groups, memory) as Map<string, string>;
    const first = assign(["gpt-4o", "claude", "gemini"]);
    assert.equal(new Set(first.values()).size, 3);
    // The ranking changes (another window) and a new group appears: the old ones keep theirs.
    const second = assign(["gemini", "o3", "gpt-4o", "claude"]);
    for (const g of ["gpt-4o", "claude", "gemini"]) assert.equal(second.get(g), first.get(g), g);
    assert.equal(new Set(second.values()).size, 4);
    // Eleven groups: ten distinct colours, the last one in the table only, in grey.
    const many = assign(Array.from({ length: 11 }, (_, i) => `m${i}`));
    assert.equal(new Set([...many.values()].slice(0, 10)).size, 10);
    assert.equal(many.get("m10"), colors.NO_COLOR);
  });
});

describe("axes", () => {
  test("latency ticks are round values with a label each, in ms or s, never minutes", () => {
    const cases: [number, number, string[]][] = [
      [200, 5000, ["200 ms", "500 ms", "1 s", "2 s", "5 s"]],
      [100, 100_000, ["100 ms", "1 s", "10 s", "100 s"]],
      [1, 10_000_000, ["1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s", "1000 s", "10000 s"]],
    ];
    for (const [min, max, want] of cases)
      assert.deepEqual(
        (call(axes.logTicks, min, max, 170) as number[]).map((v) => call(axes.msTick, v)),
        want,
      );
  });

  test("log ticks keep clear of each other on a short axis", () => {
    const ticks = call(axes.logTicks, 50, 50_000, 80) as number[];
    const px = (v: number) => (Math.log10(v / 50) / 3) * 80;
    for (let i = 1; i < ticks.length; i++) assert.ok(px(ticks[i]) - px(ticks[i - 1]) >= 24, ticks.join());
  });

  test("the log range starts and ends on round values", () => {
    assert.deepEqual(call(axes.logRange, 312, 4_870), [200, 5000]);
    assert.deepEqual(call(axes.logRange, 95, 100_400), [50, 200_000]);
    assert.deepEqual(call(axes.pctTick, 0.075), "7.5%");
  });
});

describe("unpriced groups", () => {
  const unpriced = (cost: unknown, n: number) => call(parts.isUnpriced, cost, n);
  test("a null cost, or every call unpriced, is unpriced; a priced $0 is not", () => {
    assert.equal(unpriced({ total_usd: null, unpriced_span_count: 4 }, 4), true);
    assert.equal(unpriced({ total_usd: 0, unpriced_span_count: 4 }, 4), true);
    assert.equal(unpriced({ total_usd: 1.2, unpriced_span_count: 4 }, 9), false);
    assert.equal(unpriced({ total_usd: 0, unpriced_span_count: 0 }, 3), false);
  });
});
