import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config, TokenScope } from "../config/types.js";
import { ApiError } from "../errors.js";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Route option that exempts a route from auth: `app.get("/", { config: { public: true } }, ...)`. */
export interface PublicRouteConfig {
  public?: boolean;
}

/** Response header naming the scope of the token a request was made with (the dashboard reads it). */
export const SCOPE_HEADER = "x-tokentrace-scope";

/** The routes an `ingest` token may call (method and route pattern): what an app and its SDK send. */
const INGEST_ROUTES = new Set(["POST /spans", "POST /v1/traces", "POST /scores"]);
/** Reads an `ingest` token may make too: one budget's standing, which an app checks before a call (tracer.budget). */
const INGEST_READS = new Set(["GET /budgets/:name"]);

/** The scopes that may make a request: ingest routes, then every GET (read), then admin for the rest. */
export function allowedScopes(method: string, route: string | undefined): TokenScope[] {
  const key = `${method} ${route}`;
  if (route !== undefined && INGEST_ROUTES.has(key)) return ["ingest", "admin"];
  if (route !== undefined && INGEST_READS.has(key)) return ["read", "ingest", "admin"];
  return method === "GET" || method === "HEAD" ? ["read", "admin"] : ["admin"];
}

/** Every token the server accepts: `http_server.auth_token` (admin) and `auth.tokens`. */
export function acceptedTokens(config: Config): { token: string; scope: TokenScope }[] {
  const { auth_token } = config.http_server;
  return [...(auth_token ? [{ token: auth_token, scope: "admin" as const }] : []), ...config.auth.tokens];
}

/**
 * An `onRequest` hook that requires `Authorization: Bearer <token>` on every request,
 * except routes marked `config: { public: true }` (the dashboard's static page and
 * assets: they hold no data, and a browser cannot attach a header to a page load).
 * An unknown token is a 401; a known one whose scope does not cover the route a 403.
 * Tokens are compared as SHA-256 digests with timingSafeEqual, against every accepted
 * token without stopping at a match, so the time taken says nothing about any of them.
 *
 * @example app.addHook("onRequest", bearerAuth(acceptedTokens(config)))
 */
export function bearerAuth(tokens: readonly { token: string; scope: TokenScope }[]) {
  const known = tokens.map((t) => ({ digest: digest(t.token), scope: t.scope }));
  const challenge = { "WWW-Authenticate": 'Bearer realm="tokentrace"' };
  return async function checkBearer(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if ((request.routeOptions.config as PublicRouteConfig | undefined)?.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined || header === "") {
      throw new ApiError("unauthorized", "missing Authorization: Bearer <token> header", challenge);
    }
    const match = /^Bearer[ \t]+(.+)$/i.exec(header.trim());
    if (match === null) {
      throw new ApiError("unauthorized", "the Authorization header must use the Bearer scheme", challenge);
    }
    const presented = digest(match[1]);
    let scope: TokenScope | null = null;
    for (const k of known) {
      if (timingSafeEqual(presented, k.digest) && scope === null) scope = k.scope;
    }
    if (scope === null) {
      throw new ApiError("unauthorized", "invalid bearer token", {
        "WWW-Authenticate": 'Bearer realm="tokentrace", error="invalid_token"',
      });
    }
    reply.header(SCOPE_HEADER, scope);
    const allowed = allowedScopes(request.method, request.routeOptions.url);
    if (!allowed.includes(scope)) {
      const path = request.url.split("?")[0];
      const need = allowed.filter((s) => s !== "admin").join(" or ") || "admin";
      throw new ApiError(
        "forbidden",
        `a token with scope ${scope} cannot call ${request.method} ${path}; it needs scope ${need}`,
        { "WWW-Authenticate": 'Bearer realm="tokentrace", error="insufficient_scope"' },
      );
    }
  };
}
