/** Who or what gave a score: the API by default, a person, an evaluator model, or a rule. */
export type ScoreSource = "api" | "human" | "llm" | "rule";

export const SCORE_SOURCES: readonly ScoreSource[] = ["api", "human", "llm", "rule"];

/**
 * A score on a trace (or one of its spans): feedback from a person, an evaluator model or a
 * rule. Exactly one of `value` and `label` is set. It may arrive before its trace: stores
 * keep it and it shows on the trace once the trace exists.
 */
export interface Score {
  score_id: string;
  trace_id: string;
  span_id: string | null;
  name: string;
  /** A number or a boolean; null when `label` is set. */
  value: number | boolean | null;
  /** A category ("good", "off-topic"); null when `value` is set. */
  label: string | null;
  comment: string | null;
  source: ScoreSource;
  /** When the server received it (epoch ms). */
  created_at: number;
}

/** Scores of a trace and/or of one name created in [since, until], newest first, at most `limit`. */
export interface ScoreQuery {
  traceId?: string;
  name?: string;
  since: number;
  until: number;
  limit: number;
}

/**
 * Where scores live: a table of their own in each driver (memory, duckdb, postgres), checked
 * by the conformance suite (src/store/testing/conformance-scores.ts).
 */
export interface ScoreStore {
  /** Commits the scores, durably once it resolves; a score whose id is stored replaces it (the last one of a batch wins). */
  upsertScores(scores: Score[]): Promise<void>;
  /** Deletes one score; false when there was none with that id. */
  deleteScore(scoreId: string): Promise<boolean>;
  /** Newest first (created_at, then score_id, descending). */
  listScores(q: ScoreQuery): Promise<Score[]>;
  /** Every score of one trace, oldest first (created_at, then score_id); [] when none. */
  traceScores(traceId: string): Promise<Score[]>;
  /** Deletes scores created before `before` (epoch ms); returns how many. */
  deleteScoresBefore(before: number): Promise<number>;
}
