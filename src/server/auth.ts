import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Route option that exempts a route from auth: `app.get("/", { config: { public: true } }, ...)`. */
export interface PublicRouteConfig {
  public?: boolean;
}

/**
 * An `onRequest` hook that requires `Authorization: Bearer <token>` on every request,
 * except routes marked `config: { public: true }` (the dashboard's static page and
 * assets: they hold no data, and a browser cannot attach a header to a page load).
 * Both sides are hashed first so the comparison is constant-time and equal-length
 * whatever the client sends (timingSafeEqual throws on different lengths).
 *
 * @example app.addHook("onRequest", bearerAuth(config.http_server.auth_token))
 */
export function bearerAuth(token: string) {
  const expected = digest(token);
  const challenge = { "WWW-Authenticate": 'Bearer realm="tokentrace"' };
  return async function checkBearer(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if ((request.routeOptions.config as PublicRouteConfig | undefined)?.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined || header === "") {
      throw new ApiError("unauthorized", "missing Authorization: Bearer <token> header", challenge);
    }
    const match = /^Bearer[ \t]+(.+)$/i.exec(header.trim());
    if (match === null) {
      throw new ApiError("unauthorized", "the Authorization header must use the Bearer scheme", challenge);
    }
    if (!timingSafeEqual(digest(match[1]), expected)) {
      throw new ApiError("unauthorized", "invalid bearer token", {
        "WWW-Authenticate": 'Bearer realm="tokentrace", error="invalid_token"',
      });
    }
  };
}
