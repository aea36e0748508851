import type { Score, ScoreQuery, ScoreStore } from "../../score/types.js";
import { newestScoreFirst, oldestScoreFirst } from "../score-rows.js";

/** Scores in memory, for the memory store (and the fake store of server tests). */
export class MemoryScores implements ScoreStore {
  private rows = new Map<string, Score>();

  constructor(private readonly check: () => void) {}

  async upsertScores(scores: Score[]): Promise<void> {
    this.check();
    for (const s of scores) this.rows.set(s.score_id, { ...s });
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
        (q.name === undefined || s.name === q.name),
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
}
