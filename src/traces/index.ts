export { parseTraceQuery } from "./query.js";
export type { ApiTrace } from "./render.js";
export { renderTrace, sumUsd } from "./render.js";
export { traceRoutes } from "./routes.js";
