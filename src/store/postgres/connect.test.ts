import assert from "node:assert/strict";
import { test } from "node:test";
import { parseStorageUrl } from "./connect.js";

test("storage.url: ?schema= is ours, the rest goes to pg untouched", () => {
  assert.deepEqual(parseStorageUrl("postgres://u:p@db:5432/app?schema=tokentrace&application_name=x"), {
    connectionString: "postgres://u:p@db:5432/app?application_name=x",
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

test("storage.url sslmode: libpq's six modes; anything else, or verify-ca without a CA, is a clear error", () => {
  assert.deepEqual(parseStorageUrl("postgres://db/app?sslmode=require"), {
    connectionString: "postgres://db/app?sslmode=require&uselibpqcompat=true",
    schema: "public",
  });
  assert.equal(parseStorageUrl("postgres://db/app?sslmode=prefer").sslFallback, "prefer");
  assert.equal(parseStorageUrl("postgres://db/app?sslmode=allow").sslFallback, "allow");
  assert.equal(parseStorageUrl("postgres://db/app").sslFallback, undefined);
  assert.throws(
    () => parseStorageUrl("postgres://db/app?sslmode=on"),
    /sslmode "on" must be one of disable, allow, prefer/,
  );
  assert.throws(() => parseStorageUrl("postgres://db/app?sslmode=verify-ca"), /verify-ca needs sslrootcert=FILE/);
});
