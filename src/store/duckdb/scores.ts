import type {
  Score,
  ScoreBucketRow,
  ScoreQuery,
  ScoreStore,
  ScoreSummaryQuery,
  ScoreSummaryRow,
} from "../../score/types.js";
import { lastPerScore, listScoresSql, rowToScore, SCORE_COLUMNS } from "../score-rows.js";
import { type ScoreSqlDialect, scoreBucketsSqlRead, summarizeScoresSql } from "../score-summary.js";

const DIALECT: ScoreSqlDialect = { p10: (v) => `quantile_cont(${v}, 0.1)`, spanIdOrder: "span_id" };

/**
 * Scores have a table of their own beside the spans: a few per trace, replaced by id (a
 * retried POST /scores), read per trace or by time. Created at start (worker.ts) like the
 * content index.
 */
export const SCORES_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS scores (
  score_id VARCHAR PRIMARY KEY,
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR,
  name VARCHAR NOT NULL,
  value_num DOUBLE,
  value_bool BOOLEAN,
  label VARCHAR,
  comment VARCHAR,
  source VARCHAR NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS scores_trace_id ON scores (trace_id);
`;

type Read = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
/** Write statements run in one transaction on the worker; resolves with each one's changed-row count. */
type Write = (statements: { sql: string; params: unknown[] }[]) => Promise<number[]>;

/** The DuckDB store's scores: plain SQL on the store's worker, each call one transaction (durable once it resolves). */
export class DuckDbScores implements ScoreStore {
  constructor(
    private readonly read: Read,
    private readonly write: Write,
    /** Runs scores-write.ts on the worker: resolves with the ids it replaced. */
    private readonly upsert: (scores: Score[]) => Promise<unknown>,
  ) {}

  async upsertScores(scores: Score[]): Promise<Score[]> {
    const unique = lastPerScore(scores);
    if (unique.length === 0) return [];
    const replaced = new Set((await this.upsert(unique)) as string[]);
    return unique.filter((s) => !replaced.has(s.score_id));
  }

  async deleteScore(scoreId: string): Promise<boolean> {
    const [n] = await this.write([{ sql: "DELETE FROM scores WHERE score_id = $1", params: [scoreId] }]);
    return n > 0;
  }

  async listScores(q: ScoreQuery): Promise<Score[]> {
    const { sql, params } = listScoresSql(q);
    return (await this.read(sql, params)).map(rowToScore);
  }

  async traceScores(traceId: string): Promise<Score[]> {
    const rows = await this.read(
      `SELECT ${SCORE_COLUMNS} FROM scores WHERE trace_id = $1 ORDER BY created_at, score_id`,
      [traceId],
    );
    return rows.map(rowToScore);
  }

  async deleteScoresBefore(before: number): Promise<number> {
    const [n] = await this.write([{ sql: "DELETE FROM scores WHERE created_at < $1", params: [before] }]);
    return n;
  }

  summarizeScores(q: ScoreSummaryQuery): Promise<ScoreSummaryRow[]> {
    return summarizeScoresSql(this.read, q, DIALECT);
  }

  scoreBuckets(bounds: readonly number[]): Promise<ScoreBucketRow[]> {
    return scoreBucketsSqlRead(this.read, bounds);
  }
}
