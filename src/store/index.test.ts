import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Config, DEFAULT_CONFIG } from "../config/types.js";
import { openStore } from "./index.js";

const config = (storage: Config["storage"]): Config => ({ ...DEFAULT_CONFIG, storage });

test("openStore picks the driver config.storage names", async () => {
  const mem = await openStore(config({ driver: "memory", path: "", url: null }));
  assert.equal(mem.driver, "memory");
  await mem.close();

  const dir = await mkdtemp(join(tmpdir(), "tokentrace-open-"));
  try {
    // The directory of the file is created on demand.
    const duck = await openStore(config({ driver: "duckdb", path: join(dir, "nested", "spans.duckdb"), url: null }));
    assert.equal(duck.driver, "duckdb");
    assert.equal(await duck.countSpans(), 0);
    await duck.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  await assert.rejects(openStore(config({ driver: "postgres", path: "", url: null })), /storage.url is required/);
});
