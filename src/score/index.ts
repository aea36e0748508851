export type { ApiScore } from "./parse.js";
export { isScoreName, parseScore, SCORE_LIMITS, toApiScore } from "./parse.js";
export type {
  Score,
  ScoreBucketRow,
  ScoreQuery,
  ScoreSource,
  ScoreSpanColumn,
  ScoreStore,
  ScoreSummaryQuery,
  ScoreSummaryRow,
} from "./types.js";
export { SCORE_SOURCES, SCORE_SPAN_COLUMNS } from "./types.js";
