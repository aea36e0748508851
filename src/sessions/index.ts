export { encodeSessionCursor, parseSessionQuery, parseUserQuery } from "./query.js";
export type { SessionRouteOptions } from "./routes.js";
export { sessionRoutes } from "./routes.js";
