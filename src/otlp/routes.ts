import type { Readable } from "node:stream";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/types.js";
import { type ContentPolicy, contentPolicy, prepareContent } from "../content/prepare.js";
import type { ContentFields, SpanContent } from "../content/types.js";
import { ApiError, type ErrorCode } from "../errors.js";
import { createPricer } from "../pricing/index.js";
import { toApiSpan } from "../span/index.js";
import type { Span } from "../span/types.js";
import {
  BAD_IDEMPOTENCY_KEY,
  createIdempotencyCache,
  type IdempotencyCache,
  idempotencyKeyOf,
  runOnce,
} from "../util/idempotency.js";
import { keepConnection } from "../util/keep-connection.js";
import { BodyError, readBody } from "./body.js";
import { convertSpans } from "./convert.js";
import { decodeExportRequest, encodeExportResponse, encodeRpcStatus } from "./proto.js";
import { type OtlpSpan, readExportRequest } from "./read.js";

const PROTOBUF = "application/x-protobuf";
const JSON_TYPE = "application/json";
type Format = "protobuf" | "json";

// google.rpc.Code of each status we answer with (the OTLP/HTTP error body is a google.rpc.Status).
const RPC_CODES: Partial<Record<number, number>> = { 400: 3, 413: 8, 500: 13, 503: 14 };
// Left to the server's {"error": ...} envelope: these are about the request, not the OTLP payload.
const ENVELOPE_ERRORS: ReadonlySet<ErrorCode> = new Set(["unauthorized", "unsupported_media_type"]);
// At most this many rejection reasons are spelled out in one errorMessage.
const MAX_REASONS = 5;

function formatOf(request: FastifyRequest): Format {
  return (request.headers["content-type"] ?? "").toLowerCase().includes(PROTOBUF) ? "protobuf" : "json";
}

function decode(format: Format, body: Buffer): unknown {
  if (format === "protobuf") return decodeExportRequest(body);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  return JSON.parse(text);
}

function dryRun(request: FastifyRequest): boolean {
  const v = (request.query as Record<string, unknown>).dry_run;
  if (v === undefined || v === "false" || v === "0") return false;
  if (v === "true" || v === "1" || v === "") return true;
  throw new ApiError("invalid_query", `dry_run: expected true or false, got ${JSON.stringify(v)}`);
}

function sendStatus(reply: FastifyReply, format: Format, err: ApiError): FastifyReply {
  reply.code(err.status);
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  const code = RPC_CODES[err.status] ?? 2; // 2 = UNKNOWN
  if (format === "protobuf") return reply.type(PROTOBUF).send(Buffer.from(encodeRpcStatus(code, err.message)));
  // google.rpc.Status, plus the "error" field every other tokentrace endpoint answers with
  return reply.type(JSON_TYPE).send({ code, message: err.message, error: err.message });
}

/** ExportTracePartialSuccess for the rejected spans, or null when none was. */
function partialSuccess(rejected: string[], total: number): { rejectedSpans: number; errorMessage: string } | null {
  if (rejected.length === 0) return null;
  const reasons = rejected.slice(0, MAX_REASONS).join("; ") + (rejected.length > MAX_REASONS ? "; ..." : "");
  return { rejectedSpans: rejected.length, errorMessage: `${rejected.length} of ${total} spans rejected: ${reasons}` };
}

function toApiErrorFromBody(err: BodyError): ApiError {
  if (err.kind === "too_large") return new ApiError("body_too_large", err.message);
  if (err.kind === "bad_encoding") return new ApiError("unsupported_media_type", err.message);
  return new ApiError("invalid_otlp", err.message);
}

export interface OtlpRouteOptions {
  config: Pick<Config, "http_server" | "pricing" | "quality" | "service" | "content" | "ingest" | "retention_ms">;
  /** Resolves once the spans and their content are committed (the group-commit ingestor). */
  ingest: {
    submit(spans: Span[], content?: SpanContent[]): Promise<void>;
    /** Throws 503 overloaded when `count` more spans would not fit in the queue. */
    admit(count: number): void;
    /** Counts a request as arriving until the returned function is called (or refuses it, like admit). */
    arrive(): () => void;
  };
  now: () => number;
  /** Shared with other ingest paths in tests; one per app otherwise. */
  idempotency?: IdempotencyCache;
}

/**
 * POST /v1/traces: OTLP/HTTP trace export in protobuf or JSON, optionally gzipped.
 * Registered in its own scope: its parsers (raw bodies, inflated with a limit) and its error
 * rendering (google.rpc.Status in the request's encoding) do not reach other routes.
 * An Idempotency-Key header (not part of OTLP; tokentrace's SDK sends it) makes a retried
 * request a no-op: it answers as a full success without storing the spans again.
 */
export async function otlpRoutes(app: FastifyInstance, ctx: OtlpRouteOptions): Promise<void> {
  const limit = ctx.config.http_server.max_body_bytes;
  const maxBatch = ctx.config.http_server.max_batch_size;
  const price = createPricer(ctx.config.pricing.overrides);
  const policy = contentPolicy(ctx.config.content);
  const idempotency = ctx.idempotency ?? createIdempotencyCache();

  app.removeAllContentTypeParsers();
  const raw = async (request: FastifyRequest, payload: NodeJS.ReadableStream) => {
    const encoding = request.headers["content-encoding"];
    try {
      return await readBody(payload as Readable, { encoding, limit });
    } catch (err) {
      throw err instanceof BodyError ? toApiErrorFromBody(err) : err;
    }
  };
  app.addContentTypeParser(PROTOBUF, raw);
  app.addContentTypeParser(JSON_TYPE, raw);
  app.addContentTypeParser("*", async (request: FastifyRequest) => {
    const type = JSON.stringify(request.headers["content-type"] ?? "");
    throw new ApiError(
      "unsupported_media_type",
      `Content-Type ${type} is not supported; send ${PROTOBUF} or ${JSON_TYPE}`,
    );
  });

  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (!(err instanceof ApiError) || ENVELOPE_ERRORS.has(err.code)) throw err; // the server's handler renders it
    keepConnection(request, reply, 2 * limit);
    return sendStatus(reply, formatOf(request), err);
  });

  // A full queue answers 503 before the body is read, decompressed and decoded; until then
  // the request counts as arriving (Ingestor.arrive).
  const arrivals = new WeakMap<FastifyRequest, () => void>();
  app.addHook("onRequest", async (request, reply) => {
    if ((request.query as Record<string, unknown>).dry_run !== undefined) return;
    const arrived = ctx.ingest.arrive();
    arrivals.set(request, arrived);
    reply.raw.once("close", arrived);
  });

  app.post("/v1/traces", async (request, reply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body)) {
      throw new ApiError("unsupported_media_type", `a Content-Type is required: ${PROTOBUF} or ${JSON_TYPE}`);
    }
    const format = formatOf(request);
    const dry = dryRun(request);
    const key = idempotencyKeyOf(request.headers["idempotency-key"]);
    if (key === null) throw new ApiError("bad_request", BAD_IDEMPOTENCY_KEY);
    let otlpSpans: OtlpSpan[];
    try {
      otlpSpans = readExportRequest(decode(format, body));
    } catch (err) {
      // OtlpDecodeError names the JSON path; protobufjs and JSON.parse say where the bytes broke
      const kind = format === "json" ? "JSON" : "protobuf";
      throw new ApiError("invalid_otlp", `undecodable OTLP ${kind} body: ${(err as Error).message}`);
    }
    // Counted before any span is converted: an oversized request or a full queue costs no more.
    if (otlpSpans.length > maxBatch) {
      throw new ApiError(
        "batch_too_large",
        `${otlpSpans.length} spans in one request; http_server.max_batch_size is ${maxBatch}`,
      );
    }
    arrivals.get(request)?.();
    if (!dry) ctx.ingest.admit(otlpSpans.length);
    const { spans, content, rejected } = convertSpans(otlpSpans, {
      now: ctx.now(),
      qualityKey: ctx.config.quality.score_attribute,
      defaultCaller: ctx.config.service,
      price,
      withContent: policy.enabled,
      maxFutureMs: ctx.config.ingest.max_future_ms,
      retentionMs: ctx.config.retention_ms,
    });
    const partial = partialSuccess(rejected, otlpSpans.length);
    // proto3 JSON writes int64 as a decimal string
    const partialJson = partial && { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage };

    if (dry) {
      // Always JSON: the point is to read what would be stored.
      return reply
        .type(JSON_TYPE)
        .send({ ...(partialJson && { partialSuccess: partialJson }), spans: spans.map(toApiSpan) });
    }
    const { replayed } = await runOnce(idempotency, key, ctx.now, async () => {
      if (spans.length > 0) await ctx.ingest.submit(spans, prepareAll(spans, content, policy));
      return spans.length;
    });
    // A replay stored nothing now: what the first attempt rejected was answered then.
    if (replayed) reply.header("Idempotent-Replayed", "true");
    if (format === "protobuf") {
      return reply.type(PROTOBUF).send(Buffer.from(encodeExportResponse(replayed ? null : partial)));
    }
    return reply.type(JSON_TYPE).send(partialJson && !replayed ? { partialSuccess: partialJson } : {});
  });
}

function prepareAll(spans: Span[], content: (ContentFields | null)[], policy: ContentPolicy): SpanContent[] {
  const out: SpanContent[] = [];
  content.forEach((c, i) => {
    const row = c === null ? null : prepareContent(spans[i], c, policy);
    if (row !== null) out.push(row);
  });
  return out;
}
