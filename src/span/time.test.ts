import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRfc3339, parseTimestamp } from "./time.js";

// The regex parser parseRfc3339 replaced (a hand-written fast path): every input must give
// the same answer as it did.
const RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;
function reference(text: string): number | null {
  const m = RE.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k]));
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

test("parses the RFC 3339 forms to epoch ms", () => {
  assert.equal(parseRfc3339("2026-03-15T14:23:01.441Z"), Date.UTC(2026, 2, 15, 14, 23, 1, 441));
  assert.equal(parseRfc3339("2026-03-15 14:23:01+02:00"), Date.UTC(2026, 2, 15, 12, 23, 1));
  assert.equal(parseRfc3339("2026-03-15t14:23:01.4z"), Date.UTC(2026, 2, 15, 14, 23, 1, 400));
  assert.equal(parseRfc3339("2026-03-15T14:23:01.123999Z"), Date.UTC(2026, 2, 15, 14, 23, 1, 123));
  assert.equal(parseRfc3339("2024-02-29T00:00:00-05:30"), Date.UTC(2024, 1, 29, 5, 30));
});

test("rejects impossible dates and malformed text", () => {
  for (const bad of [
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00",
    "2026-01-01T00:00:00.Z",
    "2026-01-01T00:00:00ZZ",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01T00:00:00+01:60",
    "2026-01-01T00:00:00+0100",
    "2026-01-01T00:00:00+01:00 ",
    "2026-01-01X00:00:00Z",
    "2026/01/01T00:00:00Z",
    "2026-1-01T00:00:00Z",
    "２０２６-01-01T00:00:00Z",
    "",
  ]) {
    assert.equal(parseRfc3339(bad), null, bad);
  }
});

test("agrees with the regex parser on edge cases and mutated timestamps", () => {
  const seeds = [
    "2026-03-15T14:23:01.441Z",
    "0000-01-01T00:00:00Z",
    "0004-02-29T00:00:00Z",
    "0099-12-31T23:59:59.999+01:00",
    "0100-02-29T00:00:00Z",
    "2000-02-29T23:59:59.9999999999999999999Z",
    "9999-12-31T23:59:59.999Z",
    "2026-03-15 14:23:01.1229999999-11:59",
    "2026-03-15T14:23:01.00000000001z",
  ];
  const alphabet = "0123456789-:.TtZz +x";
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const inputs = [...seeds];
  for (let k = 0; k < 20_000; k++) {
    const base = seeds[rand(seeds.length)];
    const at = rand(base.length + 1);
    const ch = alphabet[rand(alphabet.length)];
    const op = rand(3);
    inputs.push(
      op === 0
        ? base.slice(0, at) + ch + base.slice(at + 1)
        : op === 1
          ? base.slice(0, at) + ch + base.slice(at)
          : base.slice(0, at) + base.slice(at + 1),
    );
  }
  for (const text of inputs) assert.equal(parseRfc3339(text), reference(text), text);
});

test("parseTimestamp takes epoch ms and keeps years 0000-9999", () => {
  assert.equal(parseTimestamp(1_700_000_000_123.9), 1_700_000_000_123);
  assert.equal(parseTimestamp("1969-12-31T23:59:59Z"), null);
  assert.equal(parseTimestamp("9999-12-31T23:59:59.999Z"), 253_402_300_799_999);
  assert.equal(parseTimestamp(Number.NaN), null);
});

test("every day of years 100-9999 maps to the same instant as Date.UTC", () => {
  for (let year = 100; year <= 9999; year += year < 2100 ? 1 : 7) {
    for (let month = 1; month <= 12; month++) {
      for (const day of [1, 28, 29, 30, 31]) {
        const text = `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T23:59:59.999Z`;
        assert.equal(parseRfc3339(text), reference(text), text);
      }
    }
  }
});

describe("timestamps", () => {
  test("RFC 3339 variants", () => {
    const base = Date.UTC(2026, 2, 15, 14, 23, 1, 441);
    assert.equal(parseRfc3339("2026-03-15T14:23:01.441Z"), base);
    assert.equal(parseRfc3339("2026-03-15t14:23:01.441z"), base);
    assert.equal(parseRfc3339("2026-03-15 14:23:01.441Z"), base);
    assert.equal(parseRfc3339("2026-03-15T14:23:01.441999Z"), base, "sub-ms digits truncate");
    assert.equal(parseRfc3339("2026-03-15T16:53:01.441+02:30"), base);
    assert.equal(parseRfc3339("2026-03-15T09:23:01.441-05:00"), base);
    assert.equal(parseRfc3339("2024-02-29T00:00:00Z"), Date.UTC(2024, 1, 29));
  });

  test("rejects what Date.parse would accept or roll over", () => {
    for (const bad of [
      "2026-03-15",
      "2026-03-15T14:23:01",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-03-15T24:00:00Z",
      "2026-03-15T14:60:00Z",
      "March 15, 2026",
      "2026-03-15T14:23:01+0200",
    ]) {
      assert.equal(parseRfc3339(bad), null, bad);
    }
  });

  test("epoch ms numbers, bounded to years 1970–9999", () => {
    assert.equal(parseTimestamp(1773584581441.9), 1773584581441);
    assert.equal(parseTimestamp(0), 0);
    assert.equal(parseTimestamp(-1), null);
    assert.equal(parseTimestamp(1e20), null);
    assert.equal(parseTimestamp(Number.NaN), null);
    assert.equal(parseTimestamp("1773584581441"), null);
  });
});
