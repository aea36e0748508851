import { type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyHttpOptions, FastifyInstance } from "fastify";
import type { Config } from "../config/types.js";
import { ERRORS, type ErrorCode } from "../errors.js";
import { formatDuration } from "../util/duration.js";

// Node checks request and headers deadlines on a timer (30 s by default), so a deadline
// could be overrun by that much; once a second keeps the cut close to the configured time.
const CHECK_INTERVAL_MS = 1000;

type HttpServerConfig = Config["http_server"];

/** The error a connection-level failure gets, before any route could answer it. */
function clientError(err: NodeJS.ErrnoException, http: HttpServerConfig): { code: ErrorCode; message: string } {
  switch (err.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        code: "request_timeout",
        message: `the request did not arrive in time: headers within http_server.headers_timeout (${formatDuration(http.headers_timeout_ms)}), the whole request within http_server.request_timeout (${formatDuration(http.request_timeout_ms)})`,
      };
    case "HPE_HEADER_OVERFLOW":
      return { code: "headers_too_large", message: "the request headers are larger than the server accepts" };
    default:
      return { code: "bad_request", message: "the request could not be parsed as HTTP" };
  }
}

/**
 * Fastify options that bound how long a client may hold a connection: the whole request
 * within request_timeout (a body trickled byte by byte is cut with a 408), headers within
 * headers_timeout, an idle keep-alive connection closed after keep_alive_timeout. Errors
 * found before routing (timeouts, unparsable HTTP) are answered in the `{"error": ...}`
 * envelope, then the connection closes.
 *
 * @example Fastify({ ...timeoutOptions(config.http_server), bodyLimit })
 */
export function timeoutOptions(http: HttpServerConfig): FastifyHttpOptions<Server> {
  return {
    requestTimeout: http.request_timeout_ms,
    keepAliveTimeout: http.keep_alive_timeout_ms,
    http: { headersTimeout: http.headers_timeout_ms, connectionsCheckingInterval: CHECK_INTERVAL_MS },
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (err.code === "ECONNRESET" || socket.destroyed) return;
      // a response already under way cannot be replaced; the peer sees the connection close
      const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && inFlight?.headersSent !== true) {
        const { code, message } = clientError(err, http);
        const status = ERRORS[code].status;
        const body = JSON.stringify({ error: message });
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    },
  };
}

/**
 * Bounds the stop: once close() has begun, Node no longer applies request_timeout or
 * headers_timeout, so a client trickling its request would hold close() for good. When
 * request_timeout has passed since close() began, every connection still open is
 * destroyed: whatever it carried was not acknowledged, and the client sends it again.
 * Requests answered before then keep their answer.
 *
 * @example boundTheStop(app, config.http_server); await app.close(); // within request_timeout
 */
export function boundTheStop(app: FastifyInstance, http: HttpServerConfig): void {
  let deadline: NodeJS.Timeout | undefined;
  app.addHook("preClose", async () => {
    deadline = setTimeout(() => app.server.closeAllConnections(), http.request_timeout_ms).unref();
  });
  // onClose hooks run once the server has closed
  app.addHook("onClose", async () => clearTimeout(deadline));
}
