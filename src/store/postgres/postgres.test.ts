import { describe } from "node:test";
import { runStoreConformance } from "../testing/conformance.js";
import { summarizeConformance } from "../testing/conformance-summarize.js";
import { openScratch, SKIP_PG } from "./testing/scratch.js";

// Runs against TOKENTRACE_TEST_PG_URL (PostgreSQL on this machine, set by .ci/run); each
// store lives in its own schema, dropped afterwards.
describe("postgres driver", { skip: SKIP_PG }, () => {
  runStoreConformance("postgres", openScratch, { durable: true });
  summarizeConformance("postgres", openScratch);
});
