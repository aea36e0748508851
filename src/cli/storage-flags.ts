import type { ConfigFlags } from "../config/index.js";

/** The storage options every store-opening command takes, as config flags. */
export interface StorageArgs {
  "storage-driver"?: string;
  "storage-path"?: string;
  "storage-url"?: string;
}

/**
 * The config flags set by --storage-driver/--storage-path/--storage-url (empty ones ignored).
 *
 * @example storageFlags({ "storage-path": "/tmp/s.duckdb" }) // { storage_path: "/tmp/s.duckdb" }
 */
export function storageFlags(args: StorageArgs): Partial<ConfigFlags> {
  const flags: Partial<ConfigFlags> = {};
  if (args["storage-driver"]) flags.storage_driver = args["storage-driver"];
  if (args["storage-path"]) flags.storage_path = args["storage-path"];
  if (args["storage-url"]) flags.storage_url = args["storage-url"];
  return flags;
}
