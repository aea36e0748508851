import { rollupConformance } from "../testing/conformance-rollup.js";
import { DuckDbStore } from "./driver.js";

rollupConformance("duckdb", async (dimensions) => {
  const store = await DuckDbStore.open(":memory:", { dimensions });
  return { store, cleanup: () => store.close() };
});
