// Fuzz suite, PostgreSQL (own schema, dropped after): the DuckDB suite's cases and checks
// against a `tokentrace serve` on TOKENTRACE_TEST_PG_URL. Skipped when that is not set.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";
import { describeFailures, fuzzOnly, fuzzSeed, runFuzz, summary } from "./helpers/fuzz-run.js";

test("fuzz, PostgreSQL: no 5xx, no slow answer, bounded RSS, every acknowledged span stored", {
  skip: SKIP_PG,
}, async (t) => {
  const seed = fuzzSeed();
  const schema = scratchSchema();
  try {
    const report = await runFuzz({
      storageYaml: `storage:\n  driver: postgres\n  url: "${schema.url}"\n`,
      cases: Number(process.env.FUZZ_CASES ?? 10_000),
      concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 16),
      seed,
      only: fuzzOnly(),
    });
    t.diagnostic(summary(report, seed));
    console.log(`fuzz PostgreSQL: ${summary(report, seed)}`);
    assert.equal(report.failures.length, 0, describeFailures(report, seed, "fuzz-postgres"));
  } finally {
    await schema.drop();
  }
});
