// An in-process server for the dashboard tests: a memory store holding the demo's week of
// traffic up to a fixed `now` (the server's clock too), plus any spans a test adds.
import { DEFAULT_CONFIG } from "../../../src/config/types.js";
import { seedDemo } from "../../../src/demo/index.js";
import { createPricer } from "../../../src/pricing/index.js";
import { type RunningServer, startServer } from "../../../src/server/index.js";
import type { Span } from "../../../src/span/types.js";
import { MemoryStore } from "../../../src/store/memory/index.js";

export async function startDemoServer(now: number, seed: number, extra: Span[] = []): Promise<RunningServer> {
  const config = structuredClone(DEFAULT_CONFIG);
  config.http_server.addr = "127.0.0.1:0";
  config.storage.driver = "memory";
  const store = new MemoryStore();
  await seedDemo(store, { now, price: createPricer({}), seed });
  if (extra.length) await store.insert(extra);
  return startServer(config, { store, now: () => now });
}
