import { summarizeConformance } from "../testing/conformance-summarize.js";
import { MemoryStore } from "./memory-store.js";

summarizeConformance("memory", async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
