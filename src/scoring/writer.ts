import { ApiError } from "../errors.js";
import type { Score, ScoreStore } from "../score/types.js";

/** Scores per store call at most. */
const MAX_BATCH = 1000;

export interface ScoreWriterOptions {
  /** Where the cause of a failed commit goes (default stderr); clients never see it. */
  log?: (message: string) => void;
  /** Told of each commit's new scores (ids not stored before): the Prometheus histogram. */
  onCommit?: (added: Score[]) => void;
}

/** One request's scores: committed in one store call, never split across two. */
interface Waiting {
  scores: Score[];
  resolve(): void;
  reject(e: Error): void;
}

/** Group commit of scores: see createScoreWriter. */
export interface ScoreWriter {
  /**
   * Resolves once the scores are committed, all in one store call; rejects with ApiError
   * store_unavailable when that commit fails (then none of them is stored).
   */
  submit(scores: Score[]): Promise<void>;
  /** Resolves once every score submitted so far is committed or refused. */
  drain(): Promise<void>;
}

/**
 * Commits scores in groups: one store call at a time, and the scores that arrive meanwhile
 * go together in the next one (up to 1000), so a busy server pays one commit (one fsync) per
 * group, not per score. Nothing is acknowledged before its group commits.
 *
 * @example const w = createScoreWriter(store.scores); await w.submit([score]);
 */
export function createScoreWriter(store: Pick<ScoreStore, "upsertScores">, o: ScoreWriterOptions = {}): ScoreWriter {
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let queue: Waiting[] = [];
  let running: Promise<void> | null = null;

  async function commit(group: Waiting[]): Promise<void> {
    try {
      const added = await store.upsertScores(group.flatMap((w) => w.scores));
      o.onCommit?.(added);
      for (const w of group) w.resolve();
    } catch (err) {
      const n = group.reduce((k, w) => k + w.scores.length, 0);
      log(`tokentrace: a commit of ${n} scores failed: ${err instanceof Error ? err.message : String(err)}`);
      const e = new ApiError(
        "store_unavailable",
        "the store could not commit the score (the cause is in the server log)",
        {
          "Retry-After": "1",
        },
      );
      for (const w of group) w.reject(e);
    }
  }

  async function run(): Promise<void> {
    while (queue.length > 0) {
      // whole requests, up to MAX_BATCH scores (a request of more goes alone)
      let n = 0;
      let k = 0;
      while (k < queue.length && (k === 0 || n + queue[k].scores.length <= MAX_BATCH)) n += queue[k++].scores.length;
      const group = queue.slice(0, k);
      queue = queue.slice(k);
      await commit(group);
    }
    running = null;
  }

  return {
    submit(scores) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ scores, resolve, reject });
        running ??= run();
      });
    },
    async drain() {
      while (running !== null) await running;
    },
  };
}
