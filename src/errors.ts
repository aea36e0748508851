/**
 * The one catalogue of errors a client can see. Every route throws ApiError with a code
 * from here; the server renders it as {"error": message} with the code's status.
 * docs/errors.md lists the same codes.
 */
export const ERRORS = {
  bad_json: { status: 400, title: "The body is not valid JSON." },
  bad_request: {
    status: 400,
    title: "The request could not be read (e.g. a body shorter than its Content-Length, an invalid header value).",
  },
  invalid_span: { status: 400, title: "A span failed validation; the message names the span index and field." },
  invalid_query: { status: 400, title: "A query parameter is invalid; the message names it." },
  invalid_alert: {
    status: 400,
    title: "An alert rule or silence request failed validation; the message names the field.",
  },
  invalid_score: { status: 400, title: "A score failed validation; the message names the field." },
  invalid_otlp: { status: 400, title: "An OTLP request body could not be decoded." },
  unauthorized: { status: 401, title: "Missing or wrong bearer token." },
  forbidden: {
    status: 403,
    title: "The bearer token is valid but its scope (ingest, read) does not allow this request.",
  },
  not_found: { status: 404, title: "No such route." },
  trace_not_found: { status: 404, title: "Trace ID not found (not recorded, or outside the retention window)." },
  unknown_metric: { status: 404, title: "Unknown metric name; the message lists the known names." },
  alert_not_found: { status: 404, title: "No alert rule with that name." },
  budget_not_found: { status: 404, title: "No budget rule with that name." },
  score_not_found: { status: 404, title: "No score with that id." },
  session_not_found: {
    status: 404,
    title: "No stored span carries that session_id (never recorded, or outside the retention window).",
  },
  method_not_allowed: { status: 405, title: "Method not allowed on this path." },
  request_timeout: {
    status: 408,
    title:
      "The request (headers and body) did not arrive within http_server.request_timeout; the connection is closed.",
  },
  alert_exists: { status: 409, title: "An alert rule with that name already exists." },
  alert_readonly: { status: 409, title: "The rule comes from code or config and cannot be deleted through the API." },
  batch_too_large: { status: 413, title: "More spans (or scores) in one request than http_server.max_batch_size." },
  body_too_large: { status: 413, title: "Request body larger than http_server.max_body_bytes." },
  headers_too_large: { status: 431, title: "The request headers are larger than the server accepts (16 KiB)." },
  unsupported_media_type: { status: 415, title: "Unsupported Content-Type." },
  overloaded: {
    status: 503,
    title: "Too many spans waiting to commit (the ingest queue is full); retry after the Retry-After delay.",
  },
  internal: { status: 500, title: "Unexpected server error." },
  store_unavailable: {
    status: 503,
    title: "The store cannot write right now (disk full, database unreachable); retry later.",
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error a client sees: its status comes from the catalogue, the message says what exactly was wrong. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message?: string, headers: Record<string, string> = {}) {
    super(message ?? ERRORS[code].title);
    this.code = code;
    this.status = ERRORS[code].status;
    this.headers = headers;
  }
}
