import assert from "node:assert/strict";
import { test } from "node:test";
import { namesOfKind, SPAN_SCHEMA } from "./span.js";

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
