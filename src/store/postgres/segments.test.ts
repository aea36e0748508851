import assert from "node:assert/strict";
import { test } from "node:test";
import { segments } from "./segments.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

test("a range splits into whole days, whole hours and raw edges", () => {
  assert.deepEqual(segments(90 * MIN, 2 * DAY + 2 * HOUR + 5, [DAY, HOUR]), [
    { grain: null, from: 90 * MIN, to: 2 * HOUR },
    { grain: HOUR, from: 2 * HOUR, to: DAY },
    { grain: DAY, from: DAY, to: 2 * DAY },
    { grain: HOUR, from: 2 * DAY, to: 2 * DAY + 2 * HOUR },
    { grain: null, from: 2 * DAY + 2 * HOUR, to: 2 * DAY + 2 * HOUR + 5 },
  ]);
});

test("ranges shorter than a period stay raw; aligned ranges need no raw part", () => {
  assert.deepEqual(segments(10, 20, [DAY, HOUR]), [{ grain: null, from: 10, to: 20 }]);
  assert.deepEqual(segments(HOUR, 3 * HOUR, [DAY, HOUR]), [{ grain: HOUR, from: HOUR, to: 3 * HOUR }]);
  assert.deepEqual(segments(5, 5, [DAY, HOUR]), []);
});

test("a 30-day window ending now: 29 whole days at most, the rest hours and minutes", () => {
  const now = Date.UTC(2026, 2, 15, 14, 23, 1, 441);
  const segs = segments(now - 30 * DAY + 1, now + 1, [DAY, HOUR]);
  // the pieces tile the range exactly
  for (let i = 1; i < segs.length; i++) assert.equal(segs[i].from, segs[i - 1].to);
  assert.equal(segs[0].from, now - 30 * DAY + 1);
  assert.equal(segs.at(-1)?.to, now + 1);
  const raw = segs.filter((s) => s.grain === null).reduce((n, s) => n + s.to - s.from, 0);
  assert.ok(raw < 2 * HOUR, `raw part ${raw} ms`);
  assert.equal(segs.filter((s) => s.grain === DAY).length, 1);
});
