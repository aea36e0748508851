import { summarizeConformance } from "../testing/conformance-summarize.js";
import { DuckDbStore } from "./driver.js";

summarizeConformance("duckdb", async () => {
  const store = await DuckDbStore.open(":memory:");
  return { store, cleanup: () => store.close() };
});
