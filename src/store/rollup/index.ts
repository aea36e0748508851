export {
  emptySums,
  mergeSums,
  RollupBuilder,
  type RollupEntry,
  type RollupSpan,
  type RollupSums,
} from "./builder.js";
export { DimensionFolder, type Dimensions, NO_DIMENSIONS, OTHER } from "./dimensions.js";
export {
  LATENCY_LE,
  mergeSql,
  QUALITY_LE,
  ROLLUP_FIELDS,
  ROLLUP_VERSION,
  type RollupField,
  type RollupKey,
  SKETCH_COLUMNS,
} from "./fields.js";
export {
  type BucketRange,
  bucketOf,
  DAY_MS,
  HOUR_MS,
  planWindow,
  type Range,
  RESOLUTIONS,
  type WindowPlan,
} from "./plan.js";
