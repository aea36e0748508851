import { type RetryHooks, sleep } from "../util/retry.js";
import { DEFAULT_RETRY, exportWithRetry } from "./retry.js";
import type { Sink } from "./transports/types.js";
import type { RetryPolicy } from "./types.js";

export interface ProcessorOptions {
  maxQueueSize: number;
  maxBatchSize: number;
  flushIntervalMs: number;
  shutdownTimeoutMs: number;
  retry: RetryPolicy;
  warn(message: string): void;
  random?: () => number;
  /** What the queue holds, in warnings (default "spans"). */
  noun?: string;
}

export interface ProcessorStats {
  exported: number;
  dropped: number;
  failed: number;
  queued: number;
}

const WARN_EVERY_MS = 60_000;

/**
 * Batches spans to one transport, one export at a time, like OTel's BatchSpanProcessor:
 * `add` is O(1) and never blocks; past maxQueueSize new spans are dropped and counted;
 * the interval timer is unref'ed; flush and shutdown are idempotent and never reject.
 */
export class BatchProcessor<T> {
  private queue: T[] = [];
  private exporting: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly giveUp = new AbortController();
  private wake: (() => void) | null = null;
  private draining: Promise<void> | null = null;
  private inFlight = 0;
  private abandoned = false;
  private stopped: Promise<void> | null = null;
  private lastWarn = Number.NEGATIVE_INFINITY;
  private lastFailWarn = Number.NEGATIVE_INFINITY;
  private readonly policy: typeof DEFAULT_RETRY;
  private readonly deps: RetryHooks;
  private readonly maxQueueSize: number;
  readonly counts = { exported: 0, dropped: 0, failed: 0 };

  constructor(
    readonly transport: Sink<T>,
    private readonly opts: ProcessorOptions,
    /** Applied to each item as its batch leaves the queue (the spans' trace identity, identity.ts). */
    private readonly prepare?: (item: T) => T,
  ) {
    this.policy = { ...DEFAULT_RETRY, ...stripUndefined(opts.retry) };
    this.maxQueueSize = Math.max(opts.maxQueueSize, transport.minQueueSize ?? 0);
    this.deps = {
      random: opts.random ?? Math.random,
      sleep: (ms, signal) => {
        // A flush wakes a backing-off export so a recovered server is tried at once.
        const c = new AbortController();
        this.wake = () => c.abort();
        const onGiveUp = () => c.abort();
        signal.addEventListener("abort", onGiveUp, { once: true });
        return sleep(ms, c.signal).finally(() => {
          signal.removeEventListener("abort", onGiveUp);
          this.wake = null;
        });
      },
    };
    this.timer = setInterval(() => this.kick(), opts.flushIntervalMs);
    this.timer.unref();
  }

  add(span: T): void {
    if (this.stopped !== null) {
      this.counts.dropped++;
      return;
    }
    if (this.queue.length >= this.maxQueueSize) {
      this.counts.dropped++;
      this.warnDrops();
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.batchSize() && this.exporting === null) this.kick(true);
  }

  /** Spans queued or in an export not yet finished. */
  hasUnsent(): boolean {
    return this.stopped === null && (this.queue.length > 0 || this.exporting !== null);
  }

  stats(): ProcessorStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Sends everything queued now; resolves when sent, given up, or after `timeoutMs`. */
  async flush(timeoutMs = this.opts.shutdownTimeoutMs): Promise<void> {
    this.wake?.();
    // One drain loop shared by concurrent flushes, so repeated flushes during an outage do not pile up.
    this.draining ??= (async () => {
      while ((this.queue.length > 0 || this.exporting !== null) && !this.giveUp.signal.aborted) {
        this.kick();
        await this.exporting;
      }
    })().finally(() => {
      this.draining = null;
    });
    await withTimeout(this.draining, timeoutMs);
  }

  /** Flushes (waiting at most `timeoutMs`), drops and counts what is left, closes the transport; idempotent. */
  shutdown(timeoutMs = this.opts.shutdownTimeoutMs): Promise<void> {
    this.stopped ??= (async () => {
      clearInterval(this.timer);
      await this.flush(timeoutMs);
      this.giveUp.abort();
      // An export stuck past the deadline is abandoned: the app must be able to exit.
      await withTimeout(this.exporting ?? Promise.resolve(), 50);
      const left = this.queue.length + this.inFlight;
      this.abandoned = true;
      if (left > 0) {
        this.counts.dropped += left;
        this.opts.warn(
          `tokentrace: ${left} ${this.noun} not sent by the ${this.describe()} before the shutdown deadline were dropped`,
        );
        this.queue = [];
      }
      try {
        await this.transport.shutdown?.();
      } catch (err) {
        this.opts.warn(`tokentrace: closing the ${this.transport.name} transport failed: ${String(err)}`);
      }
    })();
    return this.stopped;
  }

  private get noun(): string {
    return this.opts.noun ?? "spans";
  }

  private batchSize(): number {
    return Math.max(1, Math.min(this.opts.maxBatchSize, this.transport.maxBatchSize ?? Number.POSITIVE_INFINITY));
  }

  /**
   * Starts exporting unless an export runs. `fullOnly` (a batch just filled up): export full
   * batches only and leave a partial one to the timer or a flush, so an app recording in a
   * tight loop is not answered with an export per span.
   */
  private kick(fullOnly = false): void {
    if (this.exporting !== null || this.queue.length === 0) return;
    this.exporting = this.drain(fullOnly).finally(() => {
      this.exporting = null;
    });
  }

  private async drain(fullOnly: boolean): Promise<void> {
    while (this.queue.length > 0 && !this.giveUp.signal.aborted) {
      if (fullOnly && this.queue.length < this.batchSize()) return;
      const taken = this.queue.splice(0, this.batchSize());
      const batch = this.prepare === undefined ? taken : taken.map(this.prepare);
      this.inFlight = batch.length;
      const r = await exportWithRetry(this.transport, batch, this.policy, this.giveUp.signal, this.deps);
      this.inFlight = 0;
      if (this.abandoned) return; // already counted as dropped by shutdown
      if (r.kind === "success") this.counts.exported += batch.length;
      else if (r.kind === "failure") {
        this.counts.failed += batch.length;
        // A wrong token or URL fails every batch: say so once a minute, not once a second.
        const now = Date.now();
        if (now - this.lastFailWarn >= WARN_EVERY_MS) {
          this.lastFailWarn = now;
          this.opts.warn(
            `tokentrace: ${batch.length} ${this.noun} not sent by the ${this.describe()}: ${r.error} (${this.counts.failed} so far)`,
          );
        }
      } else {
        // Still retryable when shutdown gave up on it.
        this.counts.dropped += batch.length;
        this.opts.warn(
          `tokentrace: ${batch.length} ${this.noun} not sent by the ${this.describe()} before the shutdown deadline were dropped (${r.error})`,
        );
      }
    }
  }

  private warnDrops(): void {
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    this.opts.warn(
      `tokentrace: ${this.noun.replace(/s$/, "")} queue full (${this.maxQueueSize}): the ${this.describe()} is not keeping up; dropping ${this.noun} (${this.counts.dropped} so far)`,
    );
  }

  /** "http transport to http://host/spans", "file transport to ./spans.jsonl". */
  private describe(): string {
    const t = this.transport;
    return t.target === undefined ? `${t.name} transport` : `${t.name} transport to ${t.target}`;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// Not unref'ed: an app awaiting flush()/shutdown() stays alive until the deadline at most.
function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}
