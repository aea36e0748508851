export type { IdempotencyCache } from "./idempotency.js";
export {
  createIdempotencyCache,
  DEFAULT_IDEMPOTENCY_KEYS,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  isValidIdempotencyKey,
} from "./idempotency.js";
export type { Ingestor, IngestorOptions } from "./ingestor.js";
export { createIngestor, DEFAULT_MAX_QUEUED_SPANS } from "./ingestor.js";
export type { SpanRouteOptions } from "./routes.js";
export { spanRoutes } from "./routes.js";
