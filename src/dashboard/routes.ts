import type { FastifyInstance, FastifyReply } from "fastify";
import { ApiError } from "../errors.js";
import { type Asset, loadAssets } from "./assets.js";

/** URL prefix of the page's scripts and styles; chosen so it never collides with an API path. */
const ASSET_PREFIX = "/ui/";

// The page calls the API with fetch from the same origin; nothing is loaded from elsewhere.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

function send(reply: FastifyReply, asset: Asset): FastifyReply {
  return reply
    .header("content-type", asset.type)
    .header("cache-control", "no-cache")
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", CSP)
    .send(asset.body);
}

/**
 * The web dashboard: the page at `/` and its files under `/ui/`. These routes carry
 * `config.public` so the auth hook lets them through: they hold no data, and every API
 * call the page makes sends the bearer token the user typed in.
 */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const assets = loadAssets();
  const index = assets.get("index.html");
  if (!index) throw new Error("dashboard: static/index.html is missing from the build");

  app.get("/", { config: { public: true } }, async (_req, reply) => send(reply, index));
  app.get(`${ASSET_PREFIX}*`, { config: { public: true } }, async (req, reply) => {
    const key = (req.params as { "*": string })["*"];
    const asset = assets.get(key);
    if (!asset) throw new ApiError("not_found", `No dashboard file ${ASSET_PREFIX}${key}.`);
    return send(reply, asset);
  });
}
