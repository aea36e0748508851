export type { ConfigProblem } from "./errors.js";
export { ConfigError } from "./errors.js";
export type { LoadOptions, RuleValidator } from "./load.js";
export { DEFAULT_CONFIG_FILE, loadConfig, parseConfig, resolveConfigFile } from "./load.js";
export type { ConfigFlags } from "./schema.js";
export { FIELDS, FLAG_NAMES, STORAGE_DRIVERS } from "./schema.js";
export { substituteValue } from "./substitute.js";
export type { Config, PriceOverride } from "./types.js";
export { DEFAULT_CONFIG } from "./types.js";
