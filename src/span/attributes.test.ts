import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AttrError, flattenAttributes } from "./attributes.js";

function attrError(raw: unknown): { field: string; message: string } {
  try {
    flattenAttributes(raw);
  } catch (e) {
    assert.ok(e instanceof AttrError);
    return { field: e.field, message: e.message };
  }
  assert.fail("expected an AttrError");
}

describe("flattenAttributes limits", () => {
  test("128 keys pass, 129 fail (counted after flattening)", () => {
    const ok: Record<string, number> = {};
    for (let i = 0; i < 128; i++) ok[`k${i}`] = i;
    assert.equal(Object.keys(flattenAttributes(ok)).length, 128);
    const nested = { a: { ...ok }, b: 1 };
    assert.deepEqual(attrError(nested), { field: "attributes", message: "more than 128 keys" });
  });

  test("key length 256 passes, 257 fails, including the dotted prefix", () => {
    assert.ok(flattenAttributes({ ["k".repeat(256)]: 1 }));
    assert.equal(attrError({ ["k".repeat(257)]: 1 }).message, "key longer than 256 characters");
    assert.equal(attrError({ ["a".repeat(200)]: { ["b".repeat(56)]: 1 } }).message, "key longer than 256 characters");
  });

  test("string values up to 4096 characters", () => {
    assert.ok(flattenAttributes({ v: "x".repeat(4096) }));
    assert.deepEqual(attrError({ v: "x".repeat(4097) }), {
      field: "attributes.v",
      message: "value longer than 4096 characters",
    });
  });

  test("empty keys, duplicates after flattening and odd types are rejected", () => {
    assert.equal(attrError({ "": 1 }).message, "attribute keys must not be empty");
    assert.deepEqual(attrError({ "a.b": 1, a: { b: 2 } }), {
      field: "attributes.a.b",
      message: "duplicate key after flattening nested objects",
    });
    assert.equal(attrError({ f: () => 1 }).message, "must be a string, number, boolean or object");
  });

  test("a __proto__ key is kept as data, not as a prototype", () => {
    const out = flattenAttributes(JSON.parse('{"__proto__": "x", "a": 1}'));
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out).sort(), ["__proto__", "a"]);
    assert.equal(JSON.stringify(out), '{"__proto__":"x","a":1}');
  });
});
