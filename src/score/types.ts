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
  /** Scores of the traces that have a span carrying this session_id. */
  sessionId?: string;
  name?: string;
  since: number;
  until: number;
  limit: number;
}

/**
 * The span columns a score summary can group by and filter on, read from the scored span (or
 * the trace's root span for a trace-level score). A new one is one entry here (the column
 * must exist in every store's spans table).
 */
export const SCORE_SPAN_COLUMNS = ["model", "caller", "user_id"] as const;
export type ScoreSpanColumn = (typeof SCORE_SPAN_COLUMNS)[number];

/**
 * Scores created in [since, until] (as ScoreQuery), of one name or all, summarised per name
 * (and per group). `filter` keeps scores whose span has exactly those column values; a score
 * whose span is not stored matches no filter. `groupBy` groups by a column of that span:
 * null or no span is "(none)"; with `keep`, groups outside it fold into "(other)".
 */
export interface ScoreSummaryQuery {
  since: number;
  until: number;
  name?: string;
  filter?: Partial<Record<ScoreSpanColumn, string>>;
  groupBy?: { column: ScoreSpanColumn; keep?: readonly string[] };
}

/**
 * One name (in one group) of a summary. Values are numbers, a boolean counting as 1 or 0;
 * label scores count in `count` and `labels` only. The statistics are null without values;
 * p10 is exact (stats/percentile.ts).
 */
export interface ScoreSummaryRow {
  name: string;
  /** null without groupBy. */
  group: string | null;
  count: number;
  value_count: number;
  sum: number;
  min: number | null;
  max: number | null;
  p10: number | null;
  labels: Record<string, number>;
}

/** Every stored score with a value, per name: count, sum and cumulative counts under each bound. */
export interface ScoreBucketRow {
  name: string;
  count: number;
  sum: number;
  /** cumulative: buckets[i] = values <= bounds[i]. */
  buckets: number[];
}

/**
 * Where scores live: a table of their own in each driver (memory, duckdb, postgres), checked
 * by the conformance suite (src/store/testing/conformance-scores.ts).
 */
export interface ScoreStore {
  /**
   * Commits the scores, durably once it resolves; a score whose id is stored replaces it (the
   * last one of a batch wins). Resolves with the scores that were new: no score of their id
   * was stored (the Prometheus histogram counts each id once).
   */
  upsertScores(scores: Score[]): Promise<Score[]>;
  /** Deletes one score; false when there was none with that id. */
  deleteScore(scoreId: string): Promise<boolean>;
  /** Newest first (created_at, then score_id, descending). */
  listScores(q: ScoreQuery): Promise<Score[]>;
  /** Every score of one trace, oldest first (created_at, then score_id); [] when none. */
  traceScores(traceId: string): Promise<Score[]>;
  /** Deletes scores created before `before` (epoch ms); returns how many. */
  deleteScoresBefore(before: number): Promise<number>;
  /** Per name (and group), sorted by name then group, byte-wise; [] when none match. */
  summarizeScores(q: ScoreSummaryQuery): Promise<ScoreSummaryRow[]>;
  /** Every stored score with a value, per name (the Prometheus histogram's seed at start). */
  scoreBuckets(bounds: readonly number[]): Promise<ScoreBucketRow[]>;
}
