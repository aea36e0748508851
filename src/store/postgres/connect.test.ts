import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStorageUrl } from "./connect.js";

test("storage.url: ?schema= is ours, the rest goes to pg untouched", () => {
  assert.deepEqual(parseStorageUrl("postgres://u:p@db:5432/app?schema=tokentrace&sslmode=require"), {
    connectionString: "postgres://u:p@db:5432/app?sslmode=require",
    schema: "tokentrace",
  });
  assert.equal(parseStorageUrl("postgresql://db/app").schema, "public");
});

test("storage.url: a bad URL, scheme or schema name is a clear error", () => {
  assert.throws(() => parseStorageUrl("not a url"), /storage.url must be a URL/);
  assert.throws(() => parseStorageUrl("mysql://db/app"), /must start with postgres:\/\//);
  assert.throws(() => parseStorageUrl("postgres://db/app?schema=x;drop"), /schema "x;drop" must be letters/);
  assert.throws(() => parseStorageUrl('postgres://db/app?schema="a"'), /must be letters/);
});
