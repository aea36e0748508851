// Fuzz suite, DuckDB: FUZZ_CASES (default 10,000) generated requests over every route of a
// real `tokentrace serve` (test/e2e/helpers/fuzz-cases.ts); the checks are in fuzz-run.ts.
// A failure prints its seed and case index: FUZZ_SEED=s FUZZ_CASE=i replays that one request.
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeFailures, fuzzOnly, fuzzSeed, runFuzz, summary } from "./helpers/fuzz-run.js";

test("fuzz, DuckDB: no 5xx, no slow answer, bounded RSS, every acknowledged span stored", async (t) => {
  const seed = fuzzSeed();
  const report = await runFuzz({
    storageYaml: null,
    cases: Number(process.env.FUZZ_CASES ?? 10_000),
    concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 16),
    seed,
    only: fuzzOnly(),
  });
  t.diagnostic(summary(report, seed));
  console.log(`fuzz DuckDB: ${summary(report, seed)}`);
  console.log(
    JSON.stringify(
      Object.entries(report.msByKind)
        .map(([k, ms]) => [k, report.byKind[k], Math.round(ms / report.byKind[k])])
        .sort((a, b) => Number(b[2]) * Number(b[1]) - Number(a[2]) * Number(a[1])),
    ),
  );
  assert.equal(report.failures.length, 0, describeFailures(report, seed, "fuzz-duckdb"));
});
