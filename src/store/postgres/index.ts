import type { Store } from "../store.js";
import { PostgresStore } from "./driver.js";

export { parseStorageUrl } from "./connect.js";
export { type PostgresOptions, PostgresStore } from "./driver.js";

/** Entry point src/store/index.ts loads on demand for `storage.driver: postgres`. */
export function openPostgresStore(url: string): Promise<Store> {
  return PostgresStore.open(url);
}
