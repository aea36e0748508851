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

export async function makeTestApp(
  config: Config = testConfig(),
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
