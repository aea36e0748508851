import { createAlertService } from "../alerts/index.js";
import type { Config } from "../config/types.js";
import { ScheduledExport } from "../export/schedule.js";
import { createIngestor } from "../ingest/ingestor.js";
import { SCORE_BUCKETS, ScoreHistogram } from "../metrics/score-histogram.js";
import type { Store } from "../store/store.js";
import type { AppContext } from "./context.js";
import { VERSION } from "./version.js";

export interface RuntimeOptions {
  /** Use this store instead of opening config.storage (tests, the in-process tracer); close() closes it too. */
  store?: Store;
  /** The clock every domain reads; tests pass a fake one. */
  now?: () => number;
  /** Alert rules passed in code (tracer config). */
  codeRules?: unknown[];
  /** What GET /health reports as `transport` (default: the store driver). */
  transportName?: string;
}

/** The AppContext plus its lifecycle. */
export interface Runtime extends AppContext {
  /** Stops alerts, commits everything accepted, closes the store. Idempotent. */
  close(): Promise<void>;
}

// Loaded on demand: a caller that brings its own store (the in-process tracer) never loads native drivers.
async function openConfiguredStore(config: Config): Promise<Store> {
  const { openStore } = await import("../store/index.js");
  return openStore(config);
}

/** Spans and scores older than retention are deleted this often (and once at start). */
const RETENTION_INTERVAL_MS = 10 * 60_000;

/**
 * Opens the store and starts what runs beside the HTTP API: the group-commit ingestor,
 * the alert scheduler, the scheduled export and retention.
 *
 * @example const rt = await createRuntime(config); const app = await buildApp(rt); ... await rt.close();
 */
export async function createRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  const now = opts.now ?? Date.now;
  const store = opts.store ?? (await openConfiguredStore(config));
  const ingest = createIngestor(store);
  const scoreCounts = new ScoreHistogram(config.metrics.max_dimension_values);
  let alerts: Awaited<ReturnType<typeof createAlertService>>;
  try {
    // before any route can commit a score: each stored score is counted once
    scoreCounts.seed(await store.scores.scoreBuckets(SCORE_BUCKETS));
    alerts = await createAlertService({ store, config, now, codeRules: opts.codeRules ?? [] });
  } catch (err) {
    await store.close();
    throw err;
  }
  alerts?.start();

  let scheduled: ScheduledExport | null = null;
  if (config.export.dir !== null) {
    const { dir, every_ms, format } = config.export;
    scheduled = new ScheduledExport({ store, dir, everyMs: every_ms, format });
    scheduled.start();
  }

  let retention: Promise<void> = Promise.resolve();
  const sweep = () => {
    // One sweep at a time; a failed sweep is retried at the next tick.
    retention = retention.then(() =>
      store.deleteBefore(now() - config.retention_ms).then(
        () => undefined,
        (err: unknown) => console.error("tokentrace: retention sweep failed:", err),
      ),
    );
    // Scores are kept as long as spans.
    retention = retention.then(() =>
      store.scores.deleteScoresBefore(now() - config.retention_ms).then(
        () => undefined,
        (err: unknown) => console.error("tokentrace: score retention sweep failed:", err),
      ),
    );
    // Content has its own, usually shorter, retention (content.retention, default 7d).
    retention = retention.then(() =>
      store.content.deleteContentBefore(now() - config.content.retention_ms).then(
        () => undefined,
        (err: unknown) => console.error("tokentrace: content retention sweep failed:", err),
      ),
    );
  };
  sweep();
  const timer = setInterval(sweep, RETENTION_INTERVAL_MS);
  timer.unref();

  let closing: Promise<void> | null = null;
  return {
    config,
    store,
    ingest,
    alerts,
    scoreCounts,
    now,
    startedAt: now(),
    version: VERSION,
    transport: opts.transportName,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await alerts?.stop();
        await scheduled?.stop();
        await ingest.drain();
        await retention;
        await store.close();
      })();
      return closing;
    },
  };
}
