export { COST_SCALE, COST_WIDTH, exactPico, fromPico, roundCost, roundTo, toPico } from "./cost.js";
export { quantile, quantileSorted, sortedCopy } from "./percentile.js";
export type { Bin, Bins } from "./sketch.js";
export {
  BIN_OFFSET,
  binOf,
  binSql,
  binsOf,
  binValue,
  DEFAULT_EXACT_LIMIT,
  quantilesFromBins,
  SKETCH_ALPHA,
  SKETCH_K,
  sketchQuantiles,
} from "./sketch.js";
