export type { DemoOptions } from "./generate.js";
export { conditionsAt, demoTraces, trafficAt } from "./generate.js";
export type { SeedOptions, SeedResult } from "./seed.js";
export { DEMO_RULES, seedDemo } from "./seed.js";
