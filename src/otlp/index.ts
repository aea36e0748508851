export { buildOtlpApp, type OtlpListener, startOtlpListener } from "./listener.js";
export { otlpRoutes } from "./routes.js";
