export type { DemoOptions } from "./generate.js";
export { demoTraces, trafficAt } from "./generate.js";
export type { SeedOptions, SeedResult } from "./seed.js";
export { seedDemo } from "./seed.js";
