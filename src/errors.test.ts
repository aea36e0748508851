import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ApiError, ERRORS, type ErrorCode } from "./errors.js";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

// Table rows: | `code` | status | meaning |, however the columns are padded.
const documented = new Map(
  [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]),
);

test("docs/errors.md lists every error code with its status", () => {
  for (const [code, { status }] of Object.entries(ERRORS)) {
    assert.ok(documented.has(code), `docs/errors.md has no row for ${code}`);
    assert.equal(documented.get(code), status, `${code} should be documented as ${status}`);
  }
});

test("docs/errors.md lists no code that does not exist", () => {
  assert.ok(documented.size > 0);
  for (const code of documented.keys())
    assert.ok(Object.hasOwn(ERRORS, code), `${code} is documented but not in ERRORS`);
});

test("ApiError takes its status from the catalogue and defaults its message to the title", () => {
  const code: ErrorCode = "batch_too_large";
  const err = new ApiError(code);
  assert.equal(err.status, 413);
  assert.equal(err.message, ERRORS.batch_too_large.title);
});
