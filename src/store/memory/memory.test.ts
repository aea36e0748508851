import { runStoreConformance } from "../testing/conformance.js";
import { MemoryStore } from "./memory-store.js";

runStoreConformance(
  "memory",
  async () => {
    const store = new MemoryStore();
    return { store, cleanup: () => store.close() };
  },
  { durable: false },
);
