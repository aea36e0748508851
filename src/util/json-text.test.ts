import assert from "node:assert/strict";
import { test } from "node:test";
import { hasProtoKey, jsonArrayElements, mayHaveProtoKey } from "./json-text.js";
import { prng, type Rand } from "./random.js";

const parsedElements = (text: string) => {
  const at = jsonArrayElements(text);
  if (at === null) return null;
  const out: unknown[] = [];
  for (let i = 0; i < at.length; i += 2) out.push(JSON.parse(text.slice(at[i], at[i + 1])));
  return out;
};

// Strings with what trips a scanner: quotes, backslashes before quotes, brackets and commas.
const TRICKY = ['a"b', "a\\", '\\"', "[", "]", "{", "}", ",", "\\\\", "\u00e9\ud83d\ude00", "\u0000", "\ud800", ""];

function value(r: Rand, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 4 : 6));
  if (k === 0) return Math.floor(r() * 2000) - 1000;
  if (k === 1) return [null, true, false, 1.5e-7][Math.floor(r() * 4)];
  if (k <= 3)
    return Array.from({ length: Math.floor(r() * 3) }, () => TRICKY[Math.floor(r() * TRICKY.length)]).join("x");
  if (k === 4) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[TRICKY[Math.floor(r() * TRICKY.length)] + i] = value(r, depth + 1);
  return o;
}

test("every element of a JSON array is found, whatever its strings, nesting and spacing", () => {
  const r = prng(7);
  for (let n = 0; n < 3000; n++) {
    const arr = Array.from({ length: Math.floor(r() * 6) }, () => value(r, 0));
    const indent = [undefined, 0, 2, "\t"][n % 4];
    const text = (n % 3 === 0 ? " \n" : "") + JSON.stringify(arr, null, indent) + (n % 5 === 0 ? "\r\n" : "");
    assert.deepEqual(parsedElements(text), arr, text);
  }
});

test("text that is not one array with a whole outline gives null, so the caller parses it whole", () => {
  for (const text of [
    "",
    "  ",
    "{}",
    '"[1]"',
    "1",
    "[",
    "[1",
    "[1,]",
    "[,1]",
    "[1,,2]",
    '["a]',
    "[1] x",
    "[1]]",
    "[1}",
  ]) {
    assert.equal(jsonArrayElements(text), null, text);
  }
});

test("an element malformed inside is still cut out, for JSON.parse to refuse", () => {
  const text = '[{"a": 1}, {"b": tru}]';
  const at = jsonArrayElements(text);
  assert.deepEqual(at, [1, 9, 10, 21]);
  assert.throws(() => JSON.parse(text.slice(11, 21)));
});

test("an empty array has no elements", () => {
  assert.deepEqual(jsonArrayElements("[]"), []);
  assert.deepEqual(jsonArrayElements(" [ \n ] "), []);
});

test('a text that can spell a "__proto__" key, plainly or with escapes, is found; others are not', () => {
  for (const key of [
    "__proto__",
    "\\u005f_proto__",
    "__pr\\u006fto__",
    "\\u005F\\u005Fproto__",
    "_\\u005fpro\\u0074o__",
  ]) {
    const text = `[{"a": {"${key}": 1}}]`;
    assert.ok(mayHaveProtoKey(text), text);
    assert.ok(hasProtoKey(JSON.parse(text)), text);
  }
  for (const text of ['[{"a": "proto"}]', '[{"a": "caf\\u00e9 \\u00ff"}]', '{"__proto": 1, "proto__": 2}']) {
    assert.equal(mayHaveProtoKey(text), false, text);
  }
  assert.equal(hasProtoKey(JSON.parse('{"a": [{"b": "__proto__"}]}')), false, "a value is not a key");
});
