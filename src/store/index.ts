import type { Config } from "../config/types.js";
import { DuckDbStore } from "./duckdb/driver.js";
import { MemoryStore } from "./memory/memory-store.js";
import type { Dimensions } from "./rollup/dimensions.js";
import type { Store } from "./store.js";

export { haltWorkers } from "./duckdb/client.js";
export { DuckDbStore } from "./duckdb/driver.js";
export { MemoryStore } from "./memory/memory-store.js";
export type {
  ExportCursor,
  ExportQuery,
  GroupBy,
  JsonObject,
  SpanFilter,
  Store,
  StoreHealth,
  SummaryQuery,
  SummaryRow,
  TraceKey,
  TraceQuery,
  TraceSearchResult,
} from "./store.js";

type PostgresModule = { openPostgresStore(url: string): Promise<Store> };

// Loaded on demand: the pg driver is only needed (and only present) when configured.
async function openPostgres(url: string | null): Promise<Store> {
  if (url === null || url === "") throw new Error("storage.url is required for the postgres driver");
  let mod: PostgresModule;
  try {
    const path = "./postgres/index.js";
    mod = (await import(path)) as PostgresModule;
  } catch (e) {
    throw new Error(`postgres driver not available: ${e instanceof Error ? e.message : String(e)}`);
  }
  return mod.openPostgresStore(url);
}

/** The declared rollup dimensions of a configuration. */
export function dimensionsOf(config: Config): Dimensions {
  return { names: config.metrics.dimensions, maxValues: config.metrics.max_dimension_values };
}

/**
 * Opens the store `config.storage` names.
 *
 * @example const store = await openStore({ ...DEFAULT_CONFIG, storage: { driver: "memory", path: "", url: null } });
 */
export async function openStore(config: Config): Promise<Store> {
  const s = config.storage;
  switch (s.driver) {
    case "memory":
      return new MemoryStore(dimensionsOf(config));
    case "duckdb":
      return DuckDbStore.open(s.path, { dimensions: dimensionsOf(config) });
    case "postgres":
      return openPostgres(s.url);
  }
}
