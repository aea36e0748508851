import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, type ErrorCode } from "../errors.js";
import { keepConnection } from "../util/keep-connection.js";

const PROBE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function send(reply: FastifyReply, err: ApiError): FastifyReply {
  reply.code(err.status);
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  return reply.type("application/json; charset=utf-8").send({ error: err.message });
}

/** Fastify's own errors (body parsing, limits, schemas) mapped onto the catalogue. */
function toApiError(err: FastifyError, request: FastifyRequest, bodyLimit: number): ApiError {
  if (err instanceof ApiError) return err;
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError("body_too_large", `request body exceeds http_server.max_body_bytes (${bodyLimit} bytes)`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE": {
      const type = request.headers["content-type"];
      const what = type === undefined ? "a missing Content-Type" : `Content-Type ${JSON.stringify(type)}`;
      return new ApiError("unsupported_media_type", `${what} is not supported here; send application/json`);
    }
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError("bad_json", "malformed JSON: the body is empty");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError("bad_json", "malformed JSON");
  }
  if (err.validation) {
    const code: ErrorCode = err.validationContext === "body" ? "bad_request" : "invalid_query";
    return new ApiError(code, err.message);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 404 ? "not_found" : status === 405 ? "method_not_allowed" : "bad_request";
    const apiErr = new ApiError(code, err.message);
    // keep Fastify's precise 4xx (e.g. 408, 431) rather than folding it into 400
    return Object.assign(apiErr, { status });
  }
  return new ApiError("internal", "internal server error");
}

/**
 * One error handler and one not-found handler for the whole app: every error a client
 * sees is `{"error": message}` with the status from the catalogue, never a stack trace.
 */
export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiErr = toApiError(err, request, bodyLimit);
    if (err.code?.startsWith("FST_ERR_CTP_") === true || apiErr.code === "bad_json") {
      keepConnection(request, reply, 2 * bodyLimit);
    }
    if (apiErr.code === "internal") {
      // the client gets a generic message; the operator gets the cause
      console.error(`tokentrace: ${request.method} ${request.url} failed:`, err);
    }
    return send(reply, apiErr);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0];
    const allowed = PROBE_METHODS.filter((m) => app.findRoute({ method: m, url: path }) !== null);
    if (allowed.length > 0) {
      const err = new ApiError("method_not_allowed", `${request.method} is not allowed on ${path}`, {
        Allow: allowed.join(", "),
      });
      return send(reply, err);
    }
    return send(reply, new ApiError("not_found", `no route for ${request.method} ${path}`));
  });
}

/** Retry-After (seconds) of the 503 a request gets while the server stops, as the ingestor's. */
const CLOSING_RETRY_AFTER_S = "5";

/**
 * Once close() has begun, a request that arrives on an open connection gets 503
 * store_unavailable in our envelope (instead of Fastify's own 503 body), and every answer,
 * those of requests already in flight included, carries `Connection: close`: Node then
 * ends the connection after it. close() waits for every connection to end, and Node only
 * closes those idle when it starts: one whose request finished later would stay open,
 * keep-alive, until the client dropped it or keep_alive_timeout passed.
 * Needs the app built with `return503OnClosing: false`.
 */
export function rejectWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async () => {
    if (closing) {
      throw new ApiError("store_unavailable", "the server is shutting down", { "Retry-After": CLOSING_RETRY_AFTER_S });
    }
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
}

/**
 * A NUL character in a query parameter's name or value is a 400 naming the parameter: no
 * filter or key holds one, and PostgreSQL cannot even compare text with it (it answered 500).
 */
export function refuseNulInQuery(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    const query = request.query;
    if (typeof query !== "object" || query === null) return;
    for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
      const values = Array.isArray(value) ? value : [value];
      if (name.includes("\0") || values.some((v) => typeof v === "string" && v.includes("\0"))) {
        throw new ApiError(
          "invalid_query",
          `${JSON.stringify(name)}: query parameters may not contain a NUL character`,
        );
      }
    }
  });
}
