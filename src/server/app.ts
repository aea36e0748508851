import Fastify, { type FastifyInstance } from "fastify";
import { alertRoutes } from "../alerts/routes.js";
import { dashboardRoutes } from "../dashboard/routes.js";
import { exportRoutes } from "../export/routes.js";
import { spanRoutes } from "../ingest/routes.js";
import { metricRoutes } from "../metrics/routes.js";
import { otlpRoutes } from "../otlp/routes.js";
import { scoreRoutes } from "../scoring/routes.js";
import { sessionRoutes } from "../sessions/routes.js";
import { traceRoutes } from "../traces/routes.js";
import { acceptedTokens, bearerAuth } from "./auth.js";
import type { AppContext } from "./context.js";
import { installErrorHandling, refuseNulInQuery, rejectWhileClosing } from "./error-handler.js";
import { healthRoutes } from "./health.js";
import { installJsonParser, parseJsonBody } from "./json-body.js";
import { boundTheStop, timeoutOptions } from "./timeouts.js";

type RoutePlugin = (app: FastifyInstance, ctx: AppContext) => Promise<void>;

// Each domain's routes get only the part of the context they use.
const ROUTES: RoutePlugin[] = [
  healthRoutes,
  (app, ctx) => spanRoutes(app, { ...ctx, parseJson: parseJsonBody }),
  (app, ctx) => traceRoutes(app, ctx),
  (app, ctx) => scoreRoutes(app, ctx),
  (app, ctx) => sessionRoutes(app, ctx),
  (app, ctx) => metricRoutes(app, ctx),
  (app, ctx) => alertRoutes(app, ctx),
  (app, ctx) => otlpRoutes(app, ctx),
  (app, ctx) => exportRoutes(app, ctx),
  (app) => dashboardRoutes(app),
];

/**
 * Builds the HTTP API on a context (config, store, ingestor, alerts, clock). Not listening
 * yet: tests call `app.inject()`, startServer calls `app.listen()`.
 *
 * @example const app = await buildApp(runtime); await app.inject({ url: "/health" });
 */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const { max_body_bytes } = ctx.config.http_server;
  const tokens = acceptedTokens(ctx.config);
  const app = Fastify({
    ...timeoutOptions(ctx.config.http_server),
    logger: false,
    bodyLimit: max_body_bytes,
    // A session id (GET /sessions/{id}) reaches 256 characters, each up to 9 when
    // percent-encoded (%E2%80%A6); anything longer is a 404 of its own.
    routerOptions: { maxParamLength: 2304 },
    // rejectWhileClosing answers those requests in the {"error": ...} envelope instead
    return503OnClosing: false,
  });

  installErrorHandling(app, max_body_bytes);
  rejectWhileClosing(app);
  boundTheStop(app, ctx.config.http_server);
  refuseNulInQuery(app);
  installJsonParser(app);

  // Added before any route so every endpoint, the 404 handler included, requires the token.
  if (tokens.length > 0) app.addHook("onRequest", bearerAuth(tokens));

  // Each domain gets its own encapsulated scope: a content-type parser or hook it adds
  // (protobuf for OTLP, say) does not leak into the others.
  for (const routes of ROUTES) {
    await app.register(async (scope) => routes(scope, ctx));
  }
  return app;
}
