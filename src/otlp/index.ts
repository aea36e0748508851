export { type OtlpRouteOptions, otlpRoutes } from "./routes.js";
