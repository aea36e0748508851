import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/types.js";
import { contentPolicy } from "../content/prepare.js";
import { ApiError } from "../errors.js";
import { createPricer } from "../pricing/index.js";
import {
  BAD_IDEMPOTENCY_KEY,
  createIdempotencyCache,
  type IdempotencyCache,
  idempotencyKeyOf,
  runOnce,
} from "../util/idempotency.js";
import { SpanBody } from "./body.js";
import { readSpans } from "./content.js";
import type { Ingestor } from "./ingestor.js";

export interface SpanRouteOptions {
  config: Pick<Config, "http_server" | "pricing" | "quality" | "service" | "content" | "ingest" | "retention_ms">;
  /** Resolves once the spans and their content are committed (the group-commit ingestor). */
  ingest: Pick<Ingestor, "submit" | "admit" | "arrive">;
  now: () => number;
  /** Parses a JSON text whole, throwing bad_json that says where it breaks (the app's parser). */
  parseJson: (text: string) => unknown;
  /** Shared with other ingest paths in tests; one per app otherwise. */
  idempotency?: IdempotencyCache;
}

const acceptedSchema = {
  202: { type: "object", properties: { accepted: { type: "integer" } }, required: ["accepted"] },
} as const;

/**
 * POST /spans: one span object or an array; validated all or nothing, then committed
 * through the group-commit ingestor. 202 means committed.
 */
export async function spanRoutes(app: FastifyInstance, ctx: SpanRouteOptions): Promise<void> {
  const { max_batch_size } = ctx.config.http_server;
  const price = createPricer(ctx.config.pricing.overrides);
  const idempotency = ctx.idempotency ?? createIdempotencyCache();
  const parseOpts = {
    qualityKey: ctx.config.quality.score_attribute,
    defaultCaller: ctx.config.service,
    price,
    maxFutureMs: ctx.config.ingest.max_future_ms,
    retentionMs: ctx.config.retention_ms,
  };
  const content = contentPolicy(ctx.config.content);

  // Requests counted as arriving by the ingest queue, until their body is parsed or they end.
  const arrivals = new WeakMap<FastifyRequest, () => void>();

  // A function of its own: the parsed spans are not held by an awaiting frame.
  function prepare(request: FastifyRequest) {
    // a request without a body (nor a content type) has none to parse
    const body = request.body instanceof SpanBody ? request.body : SpanBody.parsed(request.body);
    arrivals.get(request)?.();
    try {
      return read(body);
    } catch (e) {
      // Malformed JSON anywhere in the body answers before any span's problem, as when bodies
      // were parsed whole first; an overloaded server refuses without reading further.
      if (!(e instanceof ApiError && e.code === "overloaded")) body.checkJson();
      throw e;
    }
  }

  function read(body: SpanBody) {
    // Count first: an oversized batch is refused before any span is validated.
    if (body.isArray && body.count > max_batch_size) {
      throw new ApiError(
        "batch_too_large",
        `${body.count} spans in one request; http_server.max_batch_size is ${max_batch_size}`,
      );
    }
    // A full queue refuses the request before its spans are built (503 with Retry-After).
    ctx.ingest.admit(body.count);
    return readSpans(body, { ...parseOpts, now: ctx.now() }, content);
  }

  async function ingest(request: FastifyRequest): Promise<number> {
    const { spans, rows } = prepare(request);
    // Nothing needs the body's text (~4 KB of content a span) any more: let it go rather
    // than keep it while the commit is awaited.
    request.body = null;
    await ctx.ingest.submit(spans, rows);
    return spans.length;
  }

  async function handler(request: FastifyRequest, reply: FastifyReply) {
    const key = idempotencyKeyOf(request.headers["idempotency-key"]);
    if (key === null) throw new ApiError("bad_request", BAD_IDEMPOTENCY_KEY);
    const { accepted, replayed } = await runOnce(idempotency, key, ctx.now, () => ingest(request));
    if (replayed) reply.header("Idempotent-Replayed", "true");
    return reply.code(202).send({ accepted });
  }

  // Own scope: only JSON is accepted here, whatever parsers other routes add.
  await app.register(async (scope) => {
    scope.removeContentTypeParser("text/plain");
    // POST /spans reads its array span by span (SpanBody), other routes parse bodies whole.
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", { parseAs: "string" }, (_request, text, done) => {
      let body: SpanBody;
      try {
        body = SpanBody.of(text as string, ctx.parseJson);
      } catch (e) {
        done(e as Error, undefined);
        return;
      }
      done(null, body);
    });
    // A full queue answers 503 before the body is read and parsed: under overload the CPU
    // goes to commits, not to requests that would be refused anyway.
    scope.addHook("onRequest", async (request, reply) => {
      const arrived = ctx.ingest.arrive();
      arrivals.set(request, arrived);
      reply.raw.once("close", arrived);
    });
    scope.post("/spans", { schema: { response: acceptedSchema } }, handler);
  });
}
