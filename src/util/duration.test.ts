import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "./duration.js";

test("parses the windows and Go/Prometheus durations users write", () => {
  assert.equal(parseDuration("1h"), 3_600_000);
  assert.equal(parseDuration("30d"), 30 * 86_400_000);
  assert.equal(parseDuration("90m"), 5_400_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("2d"), 172_800_000);
  assert.equal(parseDuration("1.5h"), 5_400_000);
  assert.equal(parseDuration("500ms"), 500);
});

test("rejects anything else", () => {
  for (const bad of ["", "h", "1", "1x", "-1h", "0s", "1h foo", "1 h", "abc", "1e3s"]) {
    assert.equal(parseDuration(bad), null, bad);
  }
});

test("formats durations compactly", () => {
  assert.equal(formatDuration(5_400_000), "1h30m");
  assert.equal(formatDuration(7 * 86_400_000), "7d");
  assert.equal(formatDuration(250), "250ms");
});

test("at most 10 years: anything longer is not a duration (no date arithmetic past the range)", () => {
  assert.equal(parseDuration("10y"), 315_360_000_000);
  assert.equal(parseDuration("3650d"), 315_360_000_000);
  assert.equal(parseDuration("10y1ms"), null);
  assert.equal(parseDuration("99999999999y"), null);
});
