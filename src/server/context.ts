import type { AlertService } from "../alerts/service.js";
import type { Config } from "../config/types.js";
import type { Ingestor } from "../ingest/ingestor.js";
import type { ScoreHistogram } from "../metrics/score-histogram.js";
import type { Store } from "../store/store.js";

/** Everything a route needs; built once at start by the runtime and passed to every domain's routes. */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly alerts: AlertService | null;
  /** The Prometheus score histogram: seeded from the store at start, added to as scores commit. */
  readonly scoreCounts: ScoreHistogram;
  /** The clock every domain reads; tests pass a fixed one. */
  readonly now: () => number;
  readonly startedAt: number;
  readonly version: string;
  /** Name GET /health reports as `transport`; defaults to store.driver. */
  readonly transport?: string;
}
