import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.js";
import { defaultStep, MAX_POINTS, parseStep, parseWindow } from "./window.js";

const H = 3_600_000;

test("windows: the named ones, Go/Prometheus durations, default 1h", () => {
  assert.deepEqual(parseWindow(undefined), { label: "1h", ms: H });
  for (const [text, ms] of [
    ["1h", H],
    ["6h", 6 * H],
    ["24h", 24 * H],
    ["7d", 168 * H],
    ["30d", 720 * H],
    ["90m", 1.5 * H],
    ["1h30m", 1.5 * H],
    ["2d", 48 * H],
  ] as const) {
    assert.deepEqual(parseWindow(text), { label: text, ms }, text);
  }
});

test("a bad window is a 400 invalid_query naming the parameter", () => {
  for (const bad of ["", "abc", "1x", "-1h", "0s", "1 h", "1h foo"]) {
    assert.throws(
      () => parseWindow(bad),
      (e: unknown) =>
        e instanceof ApiError && e.status === 400 && e.code === "invalid_query" && e.message.startsWith("window: "),
      bad,
    );
  }
  assert.throws(() => parseWindow(["1h", "2h"]), /window: give it once/);
});

test("default steps give 100–300 points for every usual window", () => {
  for (const w of [H, 6 * H, 24 * H, 7 * 24 * H, 30 * 24 * H, 1.5 * H, 48 * H]) {
    const points = w / defaultStep(w).ms;
    assert.ok(points >= 100 && points <= 300, `${w}: ${points} points`);
  }
  assert.deepEqual(defaultStep(24 * H), { label: "5m", ms: 300_000 });
  assert.deepEqual(defaultStep(H), { label: "30s", ms: 30_000 });
});

test("step: parsed, at least 1s, and capped at MAX_POINTS points", () => {
  assert.deepEqual(parseStep("5m", 24 * H), { label: "5m", ms: 300_000 });
  assert.throws(() => parseStep("500ms", H), /step: "500ms" is below the 1s minimum/);
  assert.throws(() => parseStep("nope", H), /^Error: step: /);
  assert.throws(
    () => parseStep("1m", 30 * 24 * H),
    new RegExp(`step: "1m" gives 43201 points over the window; the most is ${MAX_POINTS}`),
  );
  assert.ok(parseStep("30m", 30 * 24 * H));
});

test("huge window/step on /metrics and series (finding): bounded at 10y, a huge one is a 400 naming the parameter", () => {
  assert.equal(parseWindow("10y").ms, 10 * 31_536_000_000);
  assert.throws(() => parseWindow("99999999999y"), /^Error: window: "99999999999y" is not a duration; .*at most 10y/);
  assert.throws(() => parseStep("99999999999y", H), /^Error: step: "99999999999y" is not a duration .*at most 10y/);
});
