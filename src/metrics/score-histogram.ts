import type { Score, ScoreBucketRow } from "../score/types.js";
import { admit, OTHER } from "../store/rollup/dimensions.js";
import { scoreNumber } from "../store/score-summary.js";
import type { Exposition } from "./prometheus.js";

/**
 * Bounds of the `tokentrace_score` histogram. Scores are mostly fractions (0..1: evaluator
 * confidences, thumbs as 1/0) or ratings (1..5), so there is a bucket every 0.1 up to 1, one
 * per whole rating up to 5, then 10; `le="0"` holds the zeros (👎, a false) and anything
 * negative.
 */
export const SCORE_BUCKETS: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3, 4, 5, 10];

interface Series {
  count: number;
  sum: number;
  /** cumulative, as SCORE_BUCKETS */
  buckets: number[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The `tokentrace_score` histogram by score name, kept in process so a scrape is O(names):
 * seeded at start from the stored scores (store.scores.scoreBuckets), then added to as scores
 * are committed. It counts each score id once, with the value it was first stored with: a
 * score posted again with its id (a retry, a correction) replaces the stored score but is not
 * counted again, and neither a DELETE nor retention subtracts, so the counters never decrease
 * while the process runs. Names are capped like declared dimensions (admit): past `maxNames`
 * named ones, a new name counts under "(other)" (never a score name: it has parentheses).
 *
 * @example const h = new ScoreHistogram(1000); h.seed(await store.scores.scoreBuckets(SCORE_BUCKETS)); h.observe(added);
 */
export class ScoreHistogram {
  private readonly series = new Map<string, Series>();
  private readonly named = new Set<string>();

  constructor(private readonly maxNames: number) {}

  private entry(name: string): Series {
    const label = admit(this.named, name, this.maxNames) ? name : OTHER;
    let s = this.series.get(label);
    if (s === undefined) {
      s = { count: 0, sum: 0, buckets: SCORE_BUCKETS.map(() => 0) };
      this.series.set(label, s);
    }
    return s;
  }

  /** Adds the stored scores' totals; the names with most scores are named first (ties by name). */
  seed(rows: readonly ScoreBucketRow[]): void {
    const ranked = [...rows].sort((a, b) => b.count - a.count || cmp(a.name, b.name));
    for (const r of ranked) {
      const s = this.entry(r.name);
      s.count += r.count;
      s.sum += r.sum;
      r.buckets.forEach((n, i) => {
        s.buckets[i] += n;
      });
    }
  }

  /** Counts newly stored scores (those upsertScores reports as new); labels are not counted. */
  observe(scores: readonly Score[]): void {
    for (const score of scores) {
      const v = scoreNumber(score);
      if (v === null) continue;
      const s = this.entry(score.name);
      s.count++;
      s.sum += v;
      SCORE_BUCKETS.forEach((le, i) => {
        if (v <= le) s.buckets[i]++;
      });
    }
  }

  /** Writes the family, one histogram per name, sorted by name. */
  render(out: Exposition): void {
    out.family("tokentrace_score", "histogram", "Score values by name (a boolean is 1 or 0), each score id once.");
    for (const name of [...this.series.keys()].sort(cmp)) {
      const s = this.series.get(name) as Series;
      out.histogram("tokentrace_score", [["name", name]], [...SCORE_BUCKETS], s.buckets, s.sum, s.count);
    }
  }
}
