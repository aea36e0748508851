import Fastify, { type FastifyInstance } from "fastify";
import { parseAddr } from "../config/addr.js";
import { otlpRoutes } from "../otlp/routes.js";
import { acceptedTokens, bearerAuth } from "./auth.js";
import type { AppContext } from "./context.js";
import { installErrorHandling, rejectWhileClosing } from "./error-handler.js";
import { boundTheStop, timeoutOptions } from "./timeouts.js";

/**
 * An app that serves only POST /v1/traces, for `otlp.addr` (a port of its own, e.g. the
 * conventional 4318 that OTel exporters default to). Same context, same auth, same errors
 * as the main API.
 */
async function buildOtlpApp(ctx: AppContext): Promise<FastifyInstance> {
  const { max_body_bytes } = ctx.config.http_server;
  const tokens = acceptedTokens(ctx.config);
  const app = Fastify({
    ...timeoutOptions(ctx.config.http_server),
    logger: false,
    bodyLimit: max_body_bytes,
    return503OnClosing: false,
  });
  installErrorHandling(app, max_body_bytes);
  rejectWhileClosing(app);
  boundTheStop(app, ctx.config.http_server);
  if (tokens.length > 0) app.addHook("onRequest", bearerAuth(tokens));
  await app.register(async (scope) => otlpRoutes(scope, ctx));
  return app;
}

export interface OtlpListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the OTLP-only listener on `addr` (Go host:port form, like http_server.addr).
 * The caller owns the context (and closes it after this listener).
 *
 * @example const otlp = await startOtlpListener(runtime, ":4318"); ... await otlp.close();
 */
export async function startOtlpListener(ctx: AppContext, addr: string): Promise<OtlpListener> {
  const where = parseAddr(addr);
  if (where === null) throw new Error(`otlp.addr ${JSON.stringify(addr)} is not host:port (e.g. ":4318")`);
  const app = await buildOtlpApp(ctx);
  try {
    await app.listen({ host: where.host, port: where.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const bound = app.server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : where.port;
  const host = where.host === "0.0.0.0" || where.host === "::" ? "127.0.0.1" : where.host;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close: () => app.close(),
  };
}
