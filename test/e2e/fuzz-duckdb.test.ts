// Fuzz suite, DuckDB: FUZZ_CASES (default 10,000) generated requests over every route of a
// real `tokentrace serve` (test/e2e/helpers/fuzz-cases.ts); the checks are in fuzz-run.ts.
// A failure prints its seed and case index: FUZZ_SEED=s FUZZ_CASE=i replays that one request.
import { test } from "node:test";
import { fuzzStore } from "./helpers/fuzz-run.js";

test("fuzz, DuckDB: no 5xx, no slow answer, bounded RSS, every acknowledged span stored", (t) =>
  fuzzStore(t, "DuckDB", null, "fuzz-duckdb"));
