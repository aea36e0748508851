import type { AlertService } from "../alerts/service.js";
import type { Config } from "../config/types.js";
import type { Span } from "../span/types.js";
import type { Store } from "../store/store.js";

/** Group commit in front of the store: submit resolves once the spans are committed. */
export interface Ingestor {
  submit(spans: Span[]): Promise<void>;
  /** Spans accepted by a request but not yet committed. */
  readonly queueDepth: number;
  /** Commits what is queued and stops accepting; idempotent. */
  drain(): Promise<void>;
}

/** Everything a route needs; built once at start by the runtime and passed to every domain's routes. */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly ingest: Ingestor;
  readonly alerts: AlertService | null;
  /** The clock every domain reads; tests pass a fixed one. */
  readonly now: () => number;
  readonly startedAt: number;
  readonly version: string;
  /** Name GET /health reports as `transport`; defaults to store.driver. */
  readonly transport?: string;
}
