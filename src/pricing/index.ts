export type { PriceOverride } from "../config/types.js";
export { createPricer } from "./pricer.js";
export type { PriceInput, Pricer } from "./types.js";
