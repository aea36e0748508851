export { COST_SCALE, COST_WIDTH, exactPico, fromPico, roundCost, roundTo, toPico } from "./cost.js";
export { quantileSorted, sortedCopy } from "./percentile.js";
export type { Bin, Bins } from "./sketch.js";
export {
  BIN_OFFSET,
  binOf,
  binSql,
  DEFAULT_EXACT_LIMIT,
  quantilesFromBins,
  SKETCH_K,
  sketchQuantiles,
} from "./sketch.js";
