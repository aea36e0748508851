// Series colours. The palette is Matthew Petroff's ten-colour sequence (also matplotlib's
// "petroff10"), chosen so that all ten stay apart for people with red-green or blue-yellow
// colour blindness; page.test.ts checks that under simulated colour-vision deficiencies.

export const PALETTE = [
  "#3f90da",
  "#ffa90e",
  "#bd1f01",
  "#94a4a2",
  "#832db6",
  "#a96b59",
  "#e76300",
  "#b9ac70",
  "#717581",
  "#92dadd",
];
/** For groups beyond the palette: in the table only, never on a chart. */
export const NO_COLOR = "#d1d5db";

/**
 * Gives each group a colour of its own, kept for as long as the page is open: the same
 * model has the same colour on every chart, in the table, and after switching the window
 * or coming back to the split. `assigned` is the memory (a Map of group → colour).
 * Groups are taken in `ranked` order; the first PALETTE.length get distinct colours,
 * a group keeping its earlier colour unless a higher-ranked group already holds it.
 */
export function assignColors(ranked, assigned) {
  const shown = ranked.slice(0, PALETTE.length);
  const taken = new Set();
  const out = new Map();
  for (const g of shown) {
    const c = assigned.get(g);
    if (c && !taken.has(c)) {
      out.set(g, c);
      taken.add(c);
    }
  }
  const free = PALETTE.filter((c) => !taken.has(c));
  // Prefer colours no group has had yet, so a group seen before can get its colour back later.
  const remembered = new Set(assigned.values());
  free.sort((a, b) => Number(remembered.has(a)) - Number(remembered.has(b)));
  for (const g of shown) {
    if (out.has(g)) continue;
    const c = free.shift();
    out.set(g, c);
    assigned.set(g, c);
  }
  for (const g of ranked.slice(PALETTE.length)) out.set(g, NO_COLOR);
  return out;
}
