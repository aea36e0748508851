import type {
  Score,
  ScoreBucketRow,
  ScoreQuery,
  ScoreStore,
  ScoreSummaryQuery,
  ScoreSummaryRow,
} from "../../score/types.js";
import type { Span } from "../../span/types.js";
import { lastPerScore, newestScoreFirst, oldestScoreFirst } from "../score-rows.js";
import { scoreBucketList, scoredSpan, summarizeScoreList } from "../score-summary.js";

/** Scores in memory, for the memory store (and the fake store of server tests). */
export class MemoryScores implements ScoreStore {
  private rows = new Map<string, Score>();

  constructor(
    private readonly check: () => void,
    /** The stored spans of a trace (a summary reads the scored span's columns). */
    private readonly traceSpans: (traceId: string) => readonly Span[] = () => [],
  ) {}

  async upsertScores(scores: Score[]): Promise<Score[]> {
    this.check();
    const added = lastPerScore(scores).filter((s) => !this.rows.has(s.score_id));
    for (const s of scores) this.rows.set(s.score_id, { ...s });
    return added.map((s) => ({ ...s }));
  }

  async deleteScore(scoreId: string): Promise<boolean> {
    this.check();
    return this.rows.delete(scoreId);
  }

  async listScores(q: ScoreQuery): Promise<Score[]> {
    this.check();
    const hits = [...this.rows.values()].filter(
      (s) =>
        s.created_at >= q.since &&
        s.created_at <= q.until &&
        (q.traceId === undefined || s.trace_id === q.traceId) &&
        (q.name === undefined || s.name === q.name) &&
        (q.sessionId === undefined || this.traceSpans(s.trace_id).some((sp) => sp.session_id === q.sessionId)),
    );
    return hits
      .sort(newestScoreFirst)
      .slice(0, q.limit)
      .map((s) => ({ ...s }));
  }

  async traceScores(traceId: string): Promise<Score[]> {
    this.check();
    const hits = [...this.rows.values()].filter((s) => s.trace_id === traceId);
    return hits.sort(oldestScoreFirst).map((s) => ({ ...s }));
  }

  async deleteScoresBefore(before: number): Promise<number> {
    this.check();
    let n = 0;
    for (const [k, s] of this.rows) {
      if (s.created_at < before) {
        this.rows.delete(k);
        n++;
      }
    }
    return n;
  }

  async summarizeScores(q: ScoreSummaryQuery): Promise<ScoreSummaryRow[]> {
    this.check();
    return summarizeScoreList(this.rows.values(), (s) => scoredSpan(s, this.traceSpans(s.trace_id)), q);
  }

  async scoreBuckets(bounds: readonly number[]): Promise<ScoreBucketRow[]> {
    this.check();
    return scoreBucketList(this.rows.values(), bounds);
  }
}
