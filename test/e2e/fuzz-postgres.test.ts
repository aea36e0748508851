// Fuzz suite, PostgreSQL (own schema, dropped after): the DuckDB suite's cases and checks
// against a `tokentrace serve` on TOKENTRACE_TEST_PG_URL. Skipped when that is not set.
import { test } from "node:test";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";
import { fuzzStore } from "./helpers/fuzz-run.js";

test("fuzz, PostgreSQL: no 5xx, no slow answer, bounded RSS, every acknowledged span stored", {
  skip: SKIP_PG,
}, async (t) => {
  const schema = scratchSchema();
  try {
    await fuzzStore(t, "PostgreSQL", `storage:\n  driver: postgres\n  url: "${schema.url}"\n`, "fuzz-postgres");
  } finally {
    await schema.drop();
  }
});
