import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../store.js";
import { runStoreConformance } from "../testing/conformance.js";
import { DuckDbStore } from "./driver.js";

runStoreConformance(
  "duckdb",
  async () => {
    const dir = await mkdtemp(join(tmpdir(), "tokentrace-duckdb-"));
    const path = join(dir, "spans.duckdb");
    let current: Store = await DuckDbStore.open(path);
    return {
      store: current,
      reopen: async () => {
        current = await DuckDbStore.open(path);
        return current;
      },
      cleanup: async () => {
        await current.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { durable: true },
);
