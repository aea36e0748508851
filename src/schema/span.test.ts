import assert from "node:assert/strict";
import { test } from "node:test";
import { findBadText, namesOfKind, SPAN_SCHEMA, shownText, textProblem } from "./span.js";

test("every span field is named once and has its own row in the dashboard, if shown", () => {
  const names = SPAN_SCHEMA.map((f) => f.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) assert.match(n, /^[a-z][a-z_]*$/, "a plain SQL identifier, unquoted everywhere");
  const rows = SPAN_SCHEMA.flatMap((f) => ("shownAt" in f ? [f.shownAt] : [])).sort((a, b) => a - b);
  assert.deepEqual(
    rows,
    rows.map((_, i) => i + 1),
  );
});

test("namesOfKind keeps schema order", () => {
  assert.deepEqual(namesOfKind("time"), ["started_at", "ended_at"]);
  const numbers = namesOfKind("integer", "decimal", "double", "time");
  const order = SPAN_SCHEMA.map((f) => f.name as string);
  assert.deepEqual(
    numbers,
    order.filter((n) => (numbers as string[]).includes(n)),
  );
});

test("textProblem: NUL and lone surrogates are refused, pairs and other control characters kept", () => {
  assert.equal(textProblem("plain \t\n\u0001 😀"), null);
  assert.equal(textProblem("\u0000"), "contains a NUL character (\\u0000)");
  assert.equal(textProblem("a\ud83d"), "contains a lone surrogate (\\ud83d), which is not valid Unicode");
  assert.equal(textProblem("\ude00a"), "contains a lone surrogate (\\ude00), which is not valid Unicode");
  assert.equal(textProblem("\ud83d\ude00\ude00"), "contains a lone surrogate (\\ude00), which is not valid Unicode");
  assert.equal(shownText("k\u0000\ud800😀"), "k\\u0000\\ud800😀");
});

test("findBadText walks arrays, object keys and values, naming the path", () => {
  assert.equal(findBadText({ a: [1, { b: "ok" }], c: null }, "x"), null);
  assert.deepEqual(findBadText({ a: [1, { b: "o\u0000" }] }, "x"), ["x.a[1].b", "contains a NUL character (\\u0000)"]);
  assert.deepEqual(findBadText([{ "\u0000": 1 }], "input"), [
    "input[0].\\u0000",
    "key contains a NUL character (\\u0000)",
  ]);
});
