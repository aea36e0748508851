import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { calendarPeriod, isTimeZone } from "./period.js";

const at = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();
const shape = (p: { start: number; end: number; key: string }) => [iso(p.start), iso(p.end), p.key];

describe("calendar periods", () => {
  test("a month in Europe/Berlin starts at local midnight on the 1st, across the March DST change", () => {
    assert.deepEqual(shape(calendarPeriod("month", "Europe/Berlin", at("2026-03-15T12:00:00Z"))), [
      "2026-02-28T23:00:00.000Z",
      "2026-03-31T22:00:00.000Z",
      "2026-03",
    ]);
    // the last instant of March in Berlin is still March; the next one is April
    assert.equal(calendarPeriod("month", "Europe/Berlin", at("2026-03-31T21:59:59.999Z")).key, "2026-03");
    assert.equal(calendarPeriod("month", "Europe/Berlin", at("2026-03-31T22:00:00Z")).key, "2026-04");
    // midnight UTC on March 1st is already March in Berlin, and still February in New York
    assert.equal(calendarPeriod("month", "Europe/Berlin", at("2026-02-28T23:30:00Z")).key, "2026-03");
    assert.equal(calendarPeriod("month", "America/New_York", at("2026-03-01T03:00:00Z")).key, "2026-02");
  });

  test("days across DST changes last 23 and 25 hours", () => {
    const spring = calendarPeriod("day", "Europe/Berlin", at("2026-03-29T12:00:00Z"));
    assert.equal((spring.end - spring.start) / 3_600_000, 23);
    const autumn = calendarPeriod("day", "Europe/Berlin", at("2026-10-25T12:00:00Z"));
    assert.deepEqual(shape(autumn), ["2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", "2026-10-25"]);
  });

  test("a day whose midnight a DST jump skips begins at the jump (America/Santiago)", () => {
    // 2026-09-06 00:00 -04 does not exist: clocks go from 23:59:59 to 01:00 -03
    assert.deepEqual(shape(calendarPeriod("day", "America/Santiago", at("2026-09-06T12:00:00Z"))), [
      "2026-09-06T04:00:00.000Z",
      "2026-09-07T03:00:00.000Z",
      "2026-09-06",
    ]);
  });

  test("weeks are ISO weeks from Monday; offsets of half hours and +14 h work", () => {
    assert.deepEqual(shape(calendarPeriod("week", "UTC", at("2026-12-01T06:00:00Z"))), [
      "2026-11-30T00:00:00.000Z",
      "2026-12-07T00:00:00.000Z",
      "2026-W49",
    ]);
    assert.equal(calendarPeriod("week", "Europe/Berlin", at("2027-01-01T00:00:00Z")).key, "2026-W53");
    assert.deepEqual(shape(calendarPeriod("day", "Asia/Kolkata", at("2026-03-01T00:00:00Z"))).slice(0, 2), [
      "2026-02-28T18:30:00.000Z",
      "2026-03-01T18:30:00.000Z",
    ]);
    assert.equal(calendarPeriod("month", "Pacific/Kiritimati", at("2025-12-31T10:00:00Z")).key, "2026-01");
  });

  test("every instant of a year falls in exactly one period, and periods tile without gaps", () => {
    for (const tz of ["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "UTC"]) {
      for (const period of ["day", "week", "month"] as const) {
        let p = calendarPeriod(period, tz, at("2026-01-01T00:00:00Z"));
        while (p.start < at("2027-01-01T00:00:00Z")) {
          assert.ok(p.end > p.start, `${tz} ${period} ${p.key}`);
          assert.equal(calendarPeriod(period, tz, p.end - 1).key, p.key, `${tz} ${period} ${p.key} last ms`);
          const next = calendarPeriod(period, tz, p.end);
          assert.equal(next.start, p.end, `${tz} ${period} after ${p.key}`);
          assert.notEqual(next.key, p.key);
          p = next;
        }
      }
    }
  });

  test("time zones are checked", () => {
    assert.equal(isTimeZone("Europe/Berlin"), true);
    assert.equal(isTimeZone("UTC"), true);
    assert.equal(isTimeZone("Mars/Olympus_Mons"), false);
  });
});
