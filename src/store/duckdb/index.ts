export { attrMask } from "./bloom.js";
export { haltWorkers } from "./client.js";
export { DuckDbStore } from "./driver.js";
export { filterConditions, jsonPointer, Params } from "./filter.js";
export { SCHEMA_SQL } from "./schema.js";
export type { SqlRunner } from "./summarize.js";
