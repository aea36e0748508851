export interface SchedulerOptions {
  /** alerts.eval_interval in ms. */
  intervalMs: number;
  now: () => number;
  /** One evaluation of every rule at `now`. */
  tick: (now: number) => Promise<void>;
  /**
   * Seam for several servers on one shared store: resolves false when another instance
   * evaluates this round (e.g. a Postgres advisory lock held elsewhere). Absent = always lead.
   */
  lead?: () => Promise<boolean>;
  onError: (err: unknown) => void;
}

/**
 * Runs the evaluation every interval, one round at a time: a round still running when the
 * timer fires is not doubled up, it just skips that beat. The timer is unref'ed so it
 * never keeps the process alive. Tests call runNow() instead of waiting.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> = Promise.resolve();
  private busy = false;
  private stopped = false;

  constructor(private readonly o: SchedulerOptions) {}

  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setInterval(() => {
      if (!this.busy) void this.runNow();
    }, this.o.intervalMs);
    this.timer.unref();
    void this.runNow();
  }

  /** Evaluates once at `now` (default: the clock), after any round in progress; never rejects. */
  runNow(now?: number): Promise<void> {
    const run = async () => {
      if (this.stopped) return;
      this.busy = true;
      try {
        if (this.o.lead && !(await this.o.lead())) return;
        await this.o.tick(now ?? this.o.now());
      } catch (err) {
        this.o.onError(err);
      } finally {
        this.busy = false;
      }
    };
    this.current = this.current.then(run);
    return this.current;
  }

  /** Stops the timer and waits for the round in progress. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }
}
