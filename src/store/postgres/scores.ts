import type {
  Score,
  ScoreBucketRow,
  ScoreQuery,
  ScoreStore,
  ScoreSummaryQuery,
  ScoreSummaryRow,
} from "../../score/types.js";
import { lastPerScore, listScoresSql, rowToScore, SCORE_COLUMNS, scoreValues } from "../score-rows.js";
import { type ScoreSqlDialect, scoreBucketsSqlRead, summarizeScoresSql } from "../score-summary.js";

type Run = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const TYPES = ["text", "text", "text", "text", "float8", "bool", "text", "text", "text", "bigint"];
const UNNEST = TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(", ");
// score_id, compared byte-wise like the other drivers (and JS), whatever the database's collation
const ORDER_ID = 'score_id COLLATE "C"';
const DIALECT: ScoreSqlDialect = {
  p10: (v) => `percentile_cont(0.1) WITHIN GROUP (ORDER BY ${v})`,
  spanIdOrder: 'span_id COLLATE "C"',
};

/** The PostgreSQL store's scores table (migration 4): one row per score id, replaced when sent again. */
export class PgScores implements ScoreStore {
  constructor(private readonly run: Run) {}

  async upsertScores(scores: Score[]): Promise<Score[]> {
    // ON CONFLICT cannot touch one row twice in a statement: keep each id's last score.
    const unique = lastPerScore(scores);
    if (unique.length === 0) return [];
    const cols: unknown[][] = TYPES.map(() => []);
    for (const s of unique) {
      const values = scoreValues(s);
      for (let i = 0; i < values.length; i++) cols[i].push(values[i]);
    }
    const set = SCORE_COLUMNS.split(", ")
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(", ");
    // xmax = 0 on a row this statement inserted; an updated (replaced) row has its xmax set
    const rows = await this.run(
      `INSERT INTO scores (${SCORE_COLUMNS}) SELECT * FROM unnest(${UNNEST})
       ON CONFLICT (score_id) DO UPDATE SET ${set}
       RETURNING score_id, (xmax = 0) AS inserted`,
      cols,
    );
    const added = new Set(rows.filter((r) => r.inserted === true).map((r) => String(r.score_id)));
    return unique.filter((s) => added.has(s.score_id));
  }

  async deleteScore(scoreId: string): Promise<boolean> {
    const rows = await this.run("DELETE FROM scores WHERE score_id = $1 RETURNING 1 AS gone", [scoreId]);
    return rows.length > 0;
  }

  async listScores(q: ScoreQuery): Promise<Score[]> {
    const { sql, params } = listScoresSql(q, ORDER_ID);
    return (await this.run(sql, params)).map(rowToScore);
  }

  async traceScores(traceId: string): Promise<Score[]> {
    const rows = await this.run(
      `SELECT ${SCORE_COLUMNS} FROM scores WHERE trace_id = $1 ORDER BY created_at, ${ORDER_ID}`,
      [traceId],
    );
    return rows.map(rowToScore);
  }

  async deleteScoresBefore(before: number): Promise<number> {
    const rows = await this.run(
      "WITH d AS (DELETE FROM scores WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d",
      [before],
    );
    return Number(rows[0].n);
  }

  summarizeScores(q: ScoreSummaryQuery): Promise<ScoreSummaryRow[]> {
    return summarizeScoresSql(this.run, q, DIALECT);
  }

  scoreBuckets(bounds: readonly number[]): Promise<ScoreBucketRow[]> {
    return scoreBucketsSqlRead(this.run, bounds);
  }
}
