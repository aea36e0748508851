export type { PriceOverride } from "../config/types.js";
export { createPricer, roundUsd } from "./pricer.js";
export type { PriceInput, Pricer } from "./types.js";
