export type { ApiScore } from "./parse.js";
export { isScoreName, parseScore, SCORE_LIMITS, toApiScore } from "./parse.js";
export type { Score, ScoreQuery, ScoreSource, ScoreStore } from "./types.js";
export { SCORE_SOURCES } from "./types.js";
