export type { Ingestor, IngestorOptions } from "./ingestor.js";
export { createIngestor } from "./ingestor.js";
export type { SpanRouteOptions } from "./routes.js";
export { spanRoutes } from "./routes.js";
