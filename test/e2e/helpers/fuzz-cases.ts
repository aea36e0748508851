// fast-check generators for the fuzz suite (test/e2e/fuzz-*.test.ts): one HTTP request per
// case, over every route of `tokentrace serve`, valid-ish and hostile. A case that posts spans
// with ids it chose lists them in `expect`: once acknowledged (202, or OTLP without a
// partialSuccess), they must be readable through GET /traces/{id} at the end of the run.
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { encodeExportRequest } from "../../../src/otlp/proto.js";

export interface SpanRef {
  trace_id: string;
  span_id: string;
}

export interface FuzzCase {
  /** Which generator made it (counted in the summary, printed with a failure). */
  kind: string;
  method: string;
  /** Path and query, already percent-encoded where it must be. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Spans this request writes when it is acknowledged in full. */
  expect?: SpanRef[];
}

/** Tokens of the fuzzed server (its config is in fuzz-run.ts). */
export const TOKENS = { admin: "fuzz-admin-token", read: "fuzz-read-token", ingest: "fuzz-ingest-token" };

export const METRIC_NAMES = [
  "cost",
  "tokens",
  "latency",
  "errors",
  "quality",
  "throughput",
  "error_rate",
  "span_count",
  "total_cost",
  "cost_per_call",
  "prompt_tokens",
  "completion_tokens",
  "total_tokens",
  "latency_p50",
  "latency_p95",
  "latency_p99",
  "latency_avg",
  "ttft_p95",
  "error_count",
  "timeout_rate",
  "quality_avg",
  "quality_p10",
];
const PROTO_NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro", "o3", "unknown-model"];
const PROVIDERS = ["openai", "anthropic", "google", "azure"];
const CALLERS = ["svc-a", "svc-b", "worker"];
// A small pool, so POST, GET, DELETE and silence meet the same rules and the count stays bounded.
const RULE_NAMES = ["r1", "r2", "r3", "cost-spike", "lat", "__proto__", "constructor", "a%2Fb", "x".repeat(300)];

// ---- hostile atoms ---------------------------------------------------------------------

const LONE_SURROGATES = ["\ud800", "\udfff", "a\udc00b", "\ud83d"];
const hostileString = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "\u0000",
      "a\u0000b",
      "%00",
      ...LONE_SURROGATES,
      ...PROTO_NAMES,
      "\u202e",
      "🙂",
      "NaN",
    ),
  },
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 70_000 }).map((n) => "x".repeat(n)) },
);
const hugeNumber = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 63,
  400_000_000_000,
  1e21,
  5e-324,
);
const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hugeNumber,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom("Infinity", "-Infinity", "NaN", "1e999", "-1", "0x10", "1_000"),
);
/** Any JSON value, with prototype-named keys in some objects. */
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, hostileScalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.string({ maxLength: 8 })), tie("value")), {
      maxLength: 4,
    })
    .map(ownObject),
})).value;

/** An object from entries, "__proto__" included as an own key (as JSON.parse makes it). */
function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true });
  return o;
}

/** JSON text nested `depth` deep, sometimes through "__proto__" keys. */
const deepJson = fc
  .tuple(
    fc.integer({ min: 50, max: 20_000 }),
    fc.constantFrom("[", '{"a":', '{"__proto__":', '{"constructor":'),
    fc.constantFrom("1", '{"__proto__":{}}', '"\\u0000"'),
  )
  .map(([depth, open, innermost]) => {
    const close = open === "[" ? "]" : "}";
    return `${open.repeat(depth)}${innermost}${close.repeat(depth)}`;
  });

const badBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d]),
    Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), // {"a":"<CESU surrogate>"}
    new TextEncoder().encode('{"model":"gpt-4o","prompt_tokens":1,'),
  ),
);

// ---- valid spans -----------------------------------------------------------------------

const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString("hex"));
const uuidOf = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

/** A valid POST /spans span with its own ids, started within the last 50 minutes of `now`. */
function validSpan(now: number, traceHex: fc.Arbitrary<string>) {
  return fc
    .record(
      {
        trace: traceHex,
        span_id: hex(8),
        name: fc.string({ minLength: 1, maxLength: 30 }),
        model: fc.constantFrom(...MODELS),
        provider: fc.constantFrom(...PROVIDERS),
        prompt_tokens: fc.nat({ max: 200_000 }),
        comp_tokens: fc.nat({ max: 20_000 }),
        latency_ms: fc.nat({ max: 120_000 }),
        status: fc.constantFrom("ok", "error", "timeout"),
        caller: fc.constantFrom(...CALLERS),
        ago: fc.nat({ max: 50 * 60_000 }),
        attributes: fc.dictionary(
          fc.constantFrom("workflow", "eval.score", "user", "tenant", "a.b"),
          fc.oneof(fc.string({ maxLength: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()),
          { maxKeys: 4 },
        ),
        input: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        output: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
      },
      { requiredKeys: ["trace", "span_id", "model", "prompt_tokens", "comp_tokens", "ago"] },
    )
    .map(({ trace, ago, ...rest }) => {
      const started = now - (ago ?? 0);
      return {
        ...rest,
        trace_id: uuidOf(trace),
        started_at: new Date(started).toISOString(),
        ended_at: new Date(started + (rest.latency_ms ?? 0)).toISOString(),
      };
    });
}

const refsOf = (spans: { trace_id: string; span_id: string }[]): SpanRef[] =>
  spans.map((s) => ({ trace_id: s.trace_id, span_id: s.span_id }));

// ---- headers ---------------------------------------------------------------------------

const authHeader = fc.oneof(
  { weight: 12, arbitrary: fc.constant(`Bearer ${TOKENS.admin}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `Bearer ${TOKENS.read}`,
      `Bearer ${TOKENS.ingest}`,
      "Bearer wrong",
      "Bearer ",
      `bearer ${TOKENS.admin}`,
      `Basic ${Buffer.from("a:b").toString("base64")}`,
      `Bearer ${"x".repeat(4000)}`,
      "",
    ),
  },
);
const JSON_TYPES = ["application/json", "application/json; charset=utf-8"];
const BAD_TYPES = [
  "text/plain",
  "application/json; charset=utf-16",
  "application/json; charset=latin1",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/x-protobuf",
  "application/octet-stream",
  "*/*",
  "application/jsonx",
  "json",
];
const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_TYPES, "") },
);

function headersOf(auth: string, type: string | null, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  if (auth !== "") h.authorization = auth;
  if (type !== null && type !== "") h["content-type"] = type;
  return h;
}

// ---- query strings ---------------------------------------------------------------------

const DURATIONS = ["1h", "6h", "24h", "7d", "30d", "90m", "2d", "1m", "30s", "1ms"];
const duration = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DURATIONS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "99999999999y",
      "1e308h",
      "-1h",
      "0s",
      "0",
      "",
      "1",
      "h",
      "1h1h",
      "P1D",
      "9007199254740993ms",
      "100000000h",
      "1.5h",
      "NaN",
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom("ms", "s", "m", "h", "d", "w", "y", "")).map(([n, u]) => `${n}${u}`),
  },
  { weight: 1, arbitrary: hostileString },
);
const timeBound = fc.oneof(
  fc.date({ min: new Date(0), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom("now", "now-1h", "2026-13-40T00:00:00Z", "-1", "1e20", "0", "275760-09-13T00:00:00.000Z"),
  duration,
);
const smallInt = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.constantFrom("1e3", "1.5", "", "abc", "999999999999999999999", "-0", "0x10", "NaN", "Infinity", "1001", "100000"),
);
const groupby = fc.oneof(
  fc.constantFrom("model", "caller", "provider", "status", "attr.workflow", "attr.user", "attr.__proto__", "attr."),
  fc.constantFrom(...PROTO_NAMES),
  hostileString.map((s) => `attr.${s}`),
);
const filterParam = fc.oneof(
  fc.tuple(
    fc.constantFrom("model", "caller", "provider", "status"),
    fc.oneof(fc.constantFrom(...MODELS, ...CALLERS, "ok", "error"), hostileString),
  ),
  fc.tuple(
    fc.oneof(fc.constantFrom(...PROTO_NAMES, "workflow", "eval.score", ""), hostileString).map((k) => `attr.${k}`),
    fc.oneof(fc.string({ maxLength: 10 }), hostileString),
  ),
  fc.tuple(fc.oneof(fc.constantFrom(...PROTO_NAMES, "foo", "attr", "window[]"), hostileString), hostileString),
);

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate (which UTF-8 cannot hold) is
 * sent as its three WTF-8 bytes: invalid UTF-8 in the URL, as a hostile client would send.
 */
function pct(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    } else out += encodeURIComponent(ch);
  }
  return out;
}

type Param = [string, string];
function queryOf(params: Param[]): string {
  if (params.length === 0) return "";
  return `?${params.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&")}`;
}
const opt = (name: string, v: fc.Arbitrary<string>) =>
  fc.option(
    v.map((x): Param => [name, x]),
    { nil: undefined },
  );
const present = (ps: (Param | undefined)[]): Param[] => ps.filter((p): p is Param => p !== undefined);

const metricName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...METRIC_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_NAMES, "prometheus", "") },
  { weight: 1, arbitrary: hostileString },
);
const seg = pct;

// ---- cases per route -------------------------------------------------------------------

function spanCases(now: number, heavy: fc.Arbitrary<FuzzCase>[]): fc.Arbitrary<FuzzCase>[] {
  // A few spans share a trace, so traces of several spans are written and read too.
  const traceHex = fc.oneof(
    hex(16),
    fc.constantFrom(...Array.from({ length: 32 }, (_, i) => `${i.toString(16).padStart(2, "0")}`.repeat(16))),
  );
  const span = validSpan(now, traceHex);
  const valid: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      fc.oneof(
        span.map((s) => [s]),
        fc.array(span, { minLength: 1, maxLength: 40 }),
      ),
      fc.boolean(),
      authHeader,
      fc.constantFrom(...JSON_TYPES),
    )
    .map(([spans, single, auth, type]) => ({
      kind: "spans-valid",
      method: "POST",
      path: "/spans",
      headers: headersOf(auth, type),
      body: JSON.stringify(single && spans.length === 1 ? spans[0] : spans),
      expect: refsOf(spans),
    }));
  // One field of a valid span replaced or added with a hostile value (the others stay valid).
  const FIELDS = [
    "model",
    "provider",
    "prompt_tokens",
    "comp_tokens",
    "total_tokens",
    "cost_usd",
    "latency_ms",
    "status",
    "caller",
    "name",
    "started_at",
    "ended_at",
    "trace_id",
    "span_id",
    "parent_span_id",
    "attributes",
    "input",
    "output",
    "system",
    "tools",
    "cached_tokens",
    "reasoning_tokens",
    "ttft_ms",
    ...PROTO_NAMES,
  ];
  const mutated: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      fc.array(span, { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.constantFrom(...FIELDS),
      hostileValue,
      authHeader,
      contentType,
    )
    .map(([spans, at, field, value, auth, type]) => {
      const i = at % spans.length;
      const bad = ownObject([...Object.entries(spans[i]), [field, value]]);
      const body = spans.map((s, j) => (j === i ? bad : s));
      return {
        kind: "spans-hostile-field",
        method: "POST",
        path: "/spans",
        headers: headersOf(auth, type),
        body: JSON.stringify(body),
      };
    });
  const attrs: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      span,
      fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...PROTO_NAMES)), hostileValue), { maxLength: 6 }),
      authHeader,
    )
    .map(([s, entries, auth]) => ({
      kind: "spans-hostile-attributes",
      method: "POST",
      path: "/spans",
      headers: headersOf(auth, "application/json"),
      body: JSON.stringify({ ...s, attributes: ownObject(entries) }),
    }));
  const computed: fc.Arbitrary<FuzzCase> = fc
    .tuple(span, hugeNumber, hugeNumber, fc.constantFrom(...MODELS))
    .map(([s, p, c, model]) => ({
      kind: "spans-huge-tokens",
      method: "POST",
      path: "/spans",
      headers: headersOf(`Bearer ${TOKENS.admin}`, "application/json"),
      body: JSON.stringify({ ...s, model, prompt_tokens: p, comp_tokens: c }),
    }));
  const random: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      fc.oneof(
        deepJson,
        hostileValue.map((v) => JSON.stringify(v) ?? "null"),
        fc.string({ maxLength: 50 }),
      ),
      authHeader,
      contentType,
    )
    .map(([body, auth, type]) => ({
      kind: "spans-random-body",
      method: "POST",
      path: "/spans",
      headers: headersOf(auth, type),
      body,
    }));
  const bytes: fc.Arbitrary<FuzzCase> = fc.tuple(badBytes, contentType).map(([body, type]) => ({
    kind: "spans-bad-bytes",
    method: "POST",
    path: "/spans",
    headers: headersOf(`Bearer ${TOKENS.admin}`, type),
    body,
  }));
  const sized: fc.Arbitrary<FuzzCase> = fc
    .tuple(span, fc.integer({ min: 1001, max: 1200 }), fc.constantFrom("many", "big"))
    .map(([s, n, how]) => ({
      kind: "spans-oversized",
      method: "POST",
      path: "/spans",
      headers: headersOf(`Bearer ${TOKENS.admin}`, "application/json"),
      // more spans than max_batch_size, or more bytes than max_body_bytes (but under 2x, so the connection is kept)
      body:
        how === "many"
          ? JSON.stringify(Array.from({ length: n }, () => s))
          : JSON.stringify({ ...s, name: "n".repeat(1_500_000) }),
    }));
  const idem: fc.Arbitrary<FuzzCase> = fc
    .tuple(span, fc.oneof(fc.constantFrom("", " ", "é", "\t"), fc.string({ maxLength: 300 })))
    .map(([s, key]) => ({
      kind: "spans-idempotency-key",
      method: "POST",
      path: "/spans",
      headers: headersOf(`Bearer ${TOKENS.admin}`, "application/json", {
        "idempotency-key": key.replace(/[^\t\x20-\x7e]/g, "?"),
      }),
      body: JSON.stringify(s),
    }));
  heavy.push(sized);
  return [valid, valid, valid, mutated, mutated, attrs, computed, random, bytes, idem];
}

function otlpSpan(now: number) {
  return fc
    .record({
      traceId: hex(16),
      spanId: hex(8),
      name: fc.string({ maxLength: 20 }),
      ago: fc.nat({ max: 50 * 60_000 }),
      model: fc.constantFrom(...MODELS),
      inTokens: fc.nat({ max: 100_000 }),
      outTokens: fc.nat({ max: 10_000 }),
    })
    .map((s) => {
      const start = BigInt(now - s.ago) * 1_000_000n;
      return {
        traceId: s.traceId,
        spanId: s.spanId,
        name: s.name,
        kind: 3,
        startTimeUnixNano: String(start),
        endTimeUnixNano: String(start + 250_000_000n),
        attributes: [
          { key: "gen_ai.system", value: { stringValue: "openai" } },
          { key: "gen_ai.request.model", value: { stringValue: s.model } },
          { key: "gen_ai.usage.input_tokens", value: { intValue: String(s.inTokens) } },
          { key: "gen_ai.usage.output_tokens", value: { intValue: String(s.outTokens) } },
        ],
        status: { code: 1 },
      };
    });
}
type OtlpJsonSpan = { traceId: string; spanId: string; attributes: unknown[]; [k: string]: unknown };

const otlpRefs = (spans: OtlpJsonSpan[]): SpanRef[] =>
  spans.map((s) => ({ trace_id: uuidOf(s.traceId), span_id: s.spanId }));
const otlpRequest = (spans: unknown[]) => ({
  resourceSpans: [
    { resource: { attributes: [{ key: "service.name", value: { stringValue: "fuzz" } }] }, scopeSpans: [{ spans }] },
  ],
});
/** The same request as protobuf: ids as bytes. */
function otlpProto(spans: OtlpJsonSpan[]): Uint8Array {
  const bin = spans.map((s) => ({
    ...s,
    traceId: Buffer.from(s.traceId, "hex"),
    spanId: Buffer.from(s.spanId, "hex"),
  }));
  return encodeExportRequest(otlpRequest(bin));
}
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    hostileString.map((s) => ({ stringValue: s })),
    fc
      .oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.constantFrom("1e999", "x", ""))
      .map((s) => ({ intValue: s })),
    fc.double().map((d) => ({ doubleValue: d })),
    fc.boolean().map((b) => ({ boolValue: b })),
    fc.array(tie("v"), { maxLength: 3 }).map((values) => ({ arrayValue: { values } })),
    fc
      .array(fc.tuple(hostileString, tie("v")), { maxLength: 3 })
      .map((kv) => ({ kvlistValue: { values: kv.map(([key, value]) => ({ key, value })) } })),
  ),
})).v;

function otlpCases(now: number, heavy: fc.Arbitrary<FuzzCase>[]): fc.Arbitrary<FuzzCase>[] {
  const span = otlpSpan(now);
  const spans = fc.array(span, { minLength: 1, maxLength: 30 });
  const headers = (type: string, extra: Record<string, string> = {}) =>
    headersOf(`Bearer ${TOKENS.admin}`, type, extra);
  const json: fc.Arbitrary<FuzzCase> = fc.tuple(spans, authHeader).map(([ss, auth]) => ({
    kind: "otlp-json-valid",
    method: "POST",
    path: "/v1/traces",
    headers: headersOf(auth, "application/json"),
    body: JSON.stringify(otlpRequest(ss)),
    expect: otlpRefs(ss),
  }));
  const proto: fc.Arbitrary<FuzzCase> = fc.tuple(spans, fc.boolean()).map(([ss, gz]) => ({
    kind: gz ? "otlp-protobuf-gzip-valid" : "otlp-protobuf-valid",
    method: "POST",
    path: "/v1/traces",
    headers: headers("application/x-protobuf", gz ? { "content-encoding": "gzip" } : {}),
    body: gz ? gzipSync(otlpProto(ss)) : otlpProto(ss),
    expect: otlpRefs(ss),
  }));
  // Hostile attributes (NUL, lone surrogates, huge ints, deep kvlists) on a valid span.
  const attrs = fc.tuple(
    span,
    fc.array(
      fc.tuple(
        fc.oneof(
          hostileString,
          fc.constantFrom("gen_ai.usage.input_tokens", "gen_ai.request.model", "gen_ai.prompt", ...PROTO_NAMES),
        ),
        anyValue,
      ),
      { minLength: 1, maxLength: 5 },
    ),
  );
  const hostileJson: fc.Arbitrary<FuzzCase> = attrs.map(([s, kvs]) => ({
    kind: "otlp-json-hostile-attributes",
    method: "POST",
    path: "/v1/traces",
    headers: headers("application/json"),
    body: JSON.stringify(
      otlpRequest([{ ...s, attributes: [...s.attributes, ...kvs.map(([key, value]) => ({ key, value }))] }]),
    ),
  }));
  const hostileProto: fc.Arbitrary<FuzzCase> = attrs.map(([s, kvs]) => {
    let body: Uint8Array;
    try {
      body = otlpProto([{ ...s, attributes: [...s.attributes, ...kvs.map(([key, value]) => ({ key, value }))] }]);
    } catch {
      // a value a protobuf field cannot hold (a non-numeric intValue) cannot be encoded
      body = otlpProto([{ ...s, name: "\u0000\ud800" }]);
    }
    return {
      kind: "otlp-protobuf-hostile-attributes",
      method: "POST",
      path: "/v1/traces",
      headers: headers("application/x-protobuf"),
      body,
    };
  });
  const fields: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      span,
      fc.constantFrom(
        "traceId",
        "spanId",
        "parentSpanId",
        "startTimeUnixNano",
        "endTimeUnixNano",
        "name",
        "kind",
        "status",
        "attributes",
        ...PROTO_NAMES,
      ),
      hostileValue,
    )
    .map(([s, field, value]) => ({
      kind: "otlp-json-hostile-field",
      method: "POST",
      path: "/v1/traces",
      headers: headers("application/json"),
      body: JSON.stringify(otlpRequest([ownObject([...Object.entries(s), [field, value]])])),
    }));
  const garbage: fc.Arbitrary<FuzzCase> = fc
    .tuple(
      fc.oneof(
        badBytes,
        deepJson,
        hostileValue.map((v) => JSON.stringify(v) ?? ""),
      ),
      fc.constantFrom("application/json", "application/x-protobuf", ...BAD_TYPES, ""),
      fc.constantFrom("", "gzip", "deflate", "br", "x-bogus"),
    )
    .map(([body, type, enc]) => ({
      kind: "otlp-garbage",
      method: "POST",
      path: "/v1/traces",
      headers: headers(type, enc === "" ? {} : { "content-encoding": enc }),
      body,
    }));
  // Many spans in a small body: past max_batch_size, or past max_body_bytes once inflated.
  const bombs: fc.Arbitrary<FuzzCase> = fc.tuple(span, fc.constantFrom("batch", "inflate")).map(([s, how]) => ({
    kind: `otlp-oversized-${how}`,
    method: "POST",
    path: "/v1/traces",
    headers: headers("application/x-protobuf", { "content-encoding": "gzip" }),
    body: gzipSync(
      how === "batch"
        ? otlpProto(Array.from({ length: 1500 }, () => s))
        : otlpProto([{ ...s, name: "z".repeat(2_000_000) }]),
    ),
  }));
  const dry: fc.Arbitrary<FuzzCase> = fc
    .tuple(span, fc.oneof(fc.constantFrom("true", "1", "", "false", "maybe"), hostileString))
    .map(([s, v]) => ({
      kind: "otlp-dry-run",
      method: "POST",
      path: `/v1/traces${queryOf([["dry_run", v]])}`,
      headers: headers("application/json"),
      body: JSON.stringify(otlpRequest([s])),
    }));
  heavy.push(bombs);
  return [json, proto, proto, hostileJson, hostileProto, fields, garbage, dry];
}

function readCases(): fc.Arbitrary<FuzzCase>[] {
  const get = (kind: string, path: string, auth = `Bearer ${TOKENS.admin}`): FuzzCase => ({
    kind,
    method: "GET",
    path,
    headers: headersOf(auth, null),
  });
  const traces = fc
    .tuple(
      opt("limit", smallInt),
      opt("offset", smallInt),
      opt("cursor", fc.oneof(fc.base64String({ maxLength: 80 }), hostileString, fc.constant("eyJ0IjoxLCJpZCI6IngifQ"))),
      opt("since", timeBound),
      opt("until", timeBound),
      opt("q", fc.oneof(fc.string({ maxLength: 20 }), hostileString)),
      opt("content", fc.constantFrom("1", "true", "0", "yes")),
      fc.array(filterParam, { maxLength: 3 }),
      authHeader,
    )
    .map(([l, o, c, s, u, q, ct, filters, auth]) =>
      get("traces-search", `/traces${queryOf([...present([l, o, c, s, u, q, ct]), ...filters])}`, auth),
    );
  const traceId = fc
    .tuple(
      fc.oneof(hex(16), hex(16).map(uuidOf), fc.constantFrom(...PROTO_NAMES), hostileString),
      opt("content", fc.constantFrom("1", "true", "x")),
    )
    .map(([id, ct]) => get("trace-by-id", `/traces/${seg(id)}${queryOf(present([ct]))}`));
  const metricParams = fc.tuple(
    opt("window", duration),
    opt("groupby", groupby),
    fc.array(filterParam, { maxLength: 2 }),
  );
  const overview = fc
    .tuple(metricParams, authHeader)
    .map(([[w, g, f], auth]) => get("metrics", `/metrics${queryOf([...present([w, g]), ...f])}`, auth));
  const byName = fc
    .tuple(metricName, metricParams)
    .map(([name, [w, g, f]]) => get("metric-by-name", `/metrics/${seg(name)}${queryOf([...present([w, g]), ...f])}`));
  const series = fc
    .tuple(metricName, metricParams, opt("step", duration))
    .map(([name, [w, g, f], st]) =>
      get("metric-series", `/metrics/${seg(name)}/series${queryOf([...present([w, g, st]), ...f])}`),
    );
  const exports = fc
    .tuple(
      opt("format", fc.constantFrom("jsonl", "csv", "parquet", "xml", "")),
      opt("window", duration),
      opt("since", timeBound),
      opt("until", timeBound),
      fc.array(filterParam, { maxLength: 2 }),
    )
    .map(([fmt, w, s, u, f]) => get("export", `/export${queryOf([...present([fmt, w, s, u]), ...f])}`));
  const plain = fc
    .constantFrom(
      "/health",
      "/metrics/prometheus",
      "/",
      "/assets/app.js",
      "/assets/../../etc/passwd",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/alerts",
    )
    .map((p) => get("plain-get", p));
  return [traces, traces, traceId, overview, byName, byName, series, series, exports, plain];
}

function alertCases(): fc.Arbitrary<FuzzCase>[] {
  const name = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...RULE_NAMES) },
    { weight: 1, arbitrary: hostileString },
  );
  const delivery = fc.oneof(
    fc.constant({ type: "log" }),
    fc
      .constantFrom(
        "http://127.0.0.1:1/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/x",
        "http://[::1]/x",
        "http://user:pass@hooks.invalid/x?api_key=secret",
        "https://hooks.invalid/alerts",
        "ftp://hooks.invalid/x",
        "not a url",
      )
      .map((url) => ({ type: "http", url })),
    fc.record({
      type: fc.constantFrom("slack", "pagerduty", "webhook"),
      url: fc.constant("https://hooks.invalid/x"),
      routing_key: fc.string(),
    }),
    hostileValue,
  );
  const rule = fc.record(
    {
      name,
      metric: fc.oneof(fc.constantFrom(...METRIC_NAMES.filter((m) => m.includes("_"))), hostileString),
      op: fc.constantFrom("gt", "lt", "gte", "lte", "eq", "ne", "??"),
      threshold: fc.oneof(hugeNumber, fc.double(), hostileString),
      window: duration,
      cooldown: duration,
      min_spans: fc.oneof(fc.nat(), hugeNumber),
      filter: fc.oneof(
        fc.dictionary(
          fc.constantFrom("model", "caller", "attr.workflow", "attr.__proto__", "bogus"),
          fc.oneof(fc.string({ maxLength: 8 }), hostileString),
          { maxKeys: 3 },
        ),
        hostileValue,
      ),
      delivery,
    },
    { requiredKeys: ["name", "metric", "op", "threshold"] },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: rule.map((r) => JSON.stringify(r)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(rule, fc.constantFrom(...PROTO_NAMES, "extra"), hostileValue)
        .map(([r, k, v]) => JSON.stringify(ownObject([...Object.entries(r), [k, v]]))),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        deepJson,
        hostileValue.map((v) => JSON.stringify(v) ?? ""),
      ),
    },
  );
  const create = fc.tuple(body, authHeader, contentType).map(([b, auth, type]) => ({
    kind: "alerts-create",
    method: "POST",
    path: "/alerts",
    headers: headersOf(auth, type),
    body: b,
  }));
  const one = fc.tuple(name, fc.constantFrom("GET", "DELETE"), authHeader).map(([n, method, auth]) => ({
    kind: "alerts-one",
    method,
    path: `/alerts/${seg(n)}`,
    headers: headersOf(auth, null),
  }));
  const silence = fc
    .tuple(
      name,
      fc.constantFrom("POST", "DELETE"),
      fc.oneof(
        duration.map((d) => JSON.stringify({ duration: d })),
        hostileValue.map((v) => JSON.stringify(v) ?? ""),
      ),
      authHeader,
    )
    .map(([n, method, b, auth]) => ({
      kind: "alerts-silence",
      method,
      path: `/alerts/${seg(n)}/silence`,
      headers: headersOf(auth, method === "POST" ? "application/json" : null),
      body: method === "POST" ? b : undefined,
    }));
  return [create, create, one, silence];
}

function strayCases(): fc.Arbitrary<FuzzCase>[] {
  const KNOWN = [
    "/spans",
    "/v1/traces",
    "/traces",
    "/traces/x",
    "/metrics",
    "/metrics/cost",
    "/metrics/cost/series",
    "/metrics/prometheus",
    "/alerts",
    "/alerts/r1",
    "/alerts/r1/silence",
    "/health",
    "/export",
    "/",
  ];
  const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD");
  const randomPath = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "metrics",
          "traces",
          "alerts",
          "spans",
          "v1",
          "..",
          ".",
          "",
          "%00",
          "%2F",
          "%ZZ",
          ...PROTO_NAMES,
        ),
        hostileString.map(seg),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((segs) => `/${segs.join("/")}`);
  const path = fc.oneof(fc.constantFrom(...KNOWN), randomPath);
  const anyRoute = fc
    .tuple(
      methods,
      path,
      authHeader,
      fc.option(
        hostileValue.map((v) => JSON.stringify(v) ?? ""),
        { nil: undefined },
      ),
      contentType,
    )
    .map(([method, p, auth, body, type]): FuzzCase => {
      const withBody = body !== undefined && method !== "GET" && method !== "HEAD";
      return {
        kind: "stray-route",
        method,
        path: p,
        headers: headersOf(auth, withBody ? type : null),
        body: withBody ? body : undefined,
      };
    });
  const queries = fc
    .tuple(
      fc.constantFrom(...KNOWN.filter((p) => p !== "/spans" && p !== "/v1/traces")),
      fc.array(filterParam, { maxLength: 4 }),
      fc.constantFrom("", "&&&", "&=", "&a", "&a[b]=1", "&a=1&a=2&a=3", "&%ZZ=1"),
    )
    .map(([p, params, tail]) => ({
      kind: "stray-query",
      method: "GET",
      path: `${p}${queryOf(params) || "?"}${tail}`,
      headers: headersOf(`Bearer ${TOKENS.admin}`, null),
    }));
  return [anyRoute, queries];
}

/** Every generator, weighted towards ingest (which writes) and the queries (which read). */
export function fuzzCase(now: number): fc.Arbitrary<FuzzCase> {
  if (built?.now !== now) built = { now, arbitrary: buildFuzzCase(now) };
  return built.arbitrary;
}
let built: { now: number; arbitrary: fc.Arbitrary<FuzzCase> } | undefined;

function buildFuzzCase(now: number): fc.Arbitrary<FuzzCase> {
  // Oversized bodies cost the most to build and send: rare.
  const heavy: fc.Arbitrary<FuzzCase>[] = [];
  const groups: [number, fc.Arbitrary<FuzzCase>[]][] = [
    [30, spanCases(now, heavy)],
    [18, otlpCases(now, heavy)],
    [0.2, heavy],
    [30, readCases()],
    [10, alertCases()],
    [8, strayCases()],
  ];
  return fc.oneof(
    ...groups.flatMap(([weight, arbs]) =>
      arbs.map((arbitrary) => ({ weight: Math.max(1, Math.round((10 * weight) / arbs.length)), arbitrary })),
    ),
  );
}
