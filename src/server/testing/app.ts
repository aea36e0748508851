// Builds the real app in process on a FakeStore for app.inject() tests.
import type { FastifyInstance } from "fastify";
import { testConfig } from "../../config/testing/config.js";
import type { Config } from "../../config/types.js";
import { createFakeStore, type FakeStore } from "../../store/testing/fake-store.js";
import { buildApp } from "../app.js";
import { createRuntime, type Runtime } from "../runtime.js";

export interface TestApp {
  app: FastifyInstance;
  store: FakeStore;
  runtime: Runtime;
  close(): Promise<void>;
}

export const FIXED_NOW = Date.UTC(2026, 2, 15, 15, 0, 0);

/**
 * The default config, with ingest.max_future at a week: fixtures written around FIXED_NOW
 * date spans up to a few days after it. Pass testConfig() to test the real 1h bound.
 */
const DEFAULT_TEST_CONFIG = () => testConfig({}, { ingest: { max_future_ms: 7 * 86_400_000 } });

export async function makeTestApp(
  config: Config = DEFAULT_TEST_CONFIG(),
  now: () => number = () => FIXED_NOW,
): Promise<TestApp> {
  const store = createFakeStore();
  const runtime = await createRuntime(config, { store, now });
  const app = await buildApp(runtime);
  return {
    app,
    store,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

export { SEED_SPAN } from "../../span/testing/seed.js";
