// sslmode in storage.url means what it means to libpq users, against a real PostgreSQL, and
// starting says nothing (pg's own reading of sslmode printed an 11-line SECURITY WARNING).
// The test server has TLS off, as a local PostgreSQL usually does.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { PostgresStore } from "./driver.js";
import { SKIP_PG, scratchSchema } from "./testing/scratch.js";

describe("storage.url sslmode (PostgreSQL without TLS)", { skip: SKIP_PG }, () => {
  const scratch = scratchSchema();
  after(() => scratch.drop());
  const withMode = (mode: string) => `${scratch.url}&sslmode=${mode}`;

  async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
    const warnings: string[] = [];
    const original = process.emitWarning;
    process.emitWarning = ((w: string | Error) => {
      warnings.push(String(w));
    }) as typeof process.emitWarning;
    try {
      return { value: await f(), warnings };
    } finally {
      process.emitWarning = original;
    }
  }

  for (const mode of ["disable", "allow", "prefer"]) {
    test(`sslmode=${mode} connects, without a warning`, async () => {
      const { value: store, warnings } = await quietly(() => PostgresStore.open(withMode(mode)));
      try {
        assert.deepEqual(warnings, []);
        assert.equal(await store.countSpans(), 0);
      } finally {
        await store.close();
      }
    });
  }

  test("sslmode=require (and stricter) refuses a server without TLS, in one line, without a warning", async () => {
    for (const mode of ["require", "verify-full"]) {
      const { value: err, warnings } = await quietly(() =>
        PostgresStore.open(withMode(mode), { connectTimeoutMs: 3000 }).then(
          async (s) => {
            await s.close();
            return null;
          },
          (e: unknown) => e as Error,
        ),
      );
      assert.ok(err, `${mode} connected to a server without TLS`);
      assert.match(err.message, /does not support SSL/);
      assert.doesNotMatch(err.message, /\n/);
      assert.deepEqual(warnings, []);
    }
  });
});
