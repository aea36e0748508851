/**
 * Reads an ExportTraceServiceRequest, given either as parsed OTLP/JSON or as the plain object
 * decoded from protobuf (proto.ts), into flat OtlpSpan records. One reader for both encodings
 * keeps their behaviour identical; the differences it absorbs are that ids are hex strings in
 * JSON but bytes in protobuf, int64 is a string or a number in JSON, and enums may be names.
 * A wrong JSON type anywhere is an OtlpDecodeError naming its path: the body is undecodable,
 * which OTLP answers with 400. Semantic problems (bad ids, missing times) are left to the
 * mapping step, which rejects only the span concerned.
 */

/** An attribute value before flattening: AnyValue with kvlists as objects and arrays as arrays. */
export type OtlpValue = string | number | boolean | OtlpValue[] | { [key: string]: OtlpValue };

/** A span event: only its name and attributes are used (GenAI message events carry content). */
export interface OtlpEvent {
  name: string;
  attributes: Record<string, OtlpValue>;
}

export interface OtlpSpan {
  traceId: string; // lowercase hex, "" when absent
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, OtlpValue>;
  statusCode: number; // 0 unset, 1 ok, 2 error
  statusMessage: string;
  resource: Record<string, OtlpValue>;
  scopeName: string;
  /** Present only when the span has events. */
  events?: OtlpEvent[];
}

export class OtlpDecodeError extends Error {}

// Deeper AnyValue nesting than this is not telemetry; refusing it keeps recursion bounded.
const MAX_DEPTH = 16;

type Obj = Record<string, unknown>;

function fail(path: string, expected: string): never {
  throw new OtlpDecodeError(`${path}: expected ${expected}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

const SNAKE = new Map<string, string>();

/**
 * Field lookup accepting the lowerCamelCase JSON name and the proto field name, as protobuf
 * JSON parsers do. Own properties only: a decoded protobuf message keeps defaults on its
 * prototype, and a oneof member's default ("" for stringValue) must not hide the member set.
 */
function field(o: Obj, camel: string): unknown {
  if (Object.hasOwn(o, camel)) return o[camel];
  let snake = SNAKE.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    SNAKE.set(camel, snake);
  }
  return Object.hasOwn(o, snake) ? o[snake] : undefined;
}

function obj(v: unknown, path: string): Obj | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) fail(path, "an object");
  return v;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, "an array");
  return v;
}

function str(v: unknown, path: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") fail(path, "a string");
  return v;
}

/** The Long that protobufjs decodes 64-bit fields into (duck-typed: JSON cannot produce one by accident). */
interface Long {
  low: number;
  high: number;
  unsigned: boolean;
}
function isLong(v: unknown): v is Long {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Long).unsigned === "boolean" &&
    typeof (v as Long).low === "number"
  );
}

/** int64/fixed64: a decimal string or a JSON number, or a Long from the protobuf decoder. */
function int64(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  if (isLong(v)) {
    const u = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
    return v.unsigned ? u : BigInt.asIntN(64, u);
  }
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d{1,20}$/.test(v)) return BigInt(v);
  return fail(path, "an integer (number or decimal string)");
}

/**
 * A fixed64 nanosecond timestamp. As a JSON number it has passed through a double, which is
 * 256 ns coarse at today's epoch; rounding to the microsecond restores the value exporters
 * meant, so a call ending at .681 s is not stored as .680999936 s.
 */
function nanos(v: unknown, path: string): bigint {
  if (typeof v === "number" && Number.isFinite(v) && !Number.isSafeInteger(v))
    return BigInt(Math.round(v / 1000)) * 1000n;
  return int64(v, path);
}

function int32(v: unknown, path: string, names: Record<string, number>): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && v in names) return names[v];
  return fail(path, `an integer or one of ${Object.keys(names).join(", ")}`);
}

const HEX = "0123456789abcdef";
function hex(v: unknown, path: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v.toLowerCase();
  if (v instanceof Uint8Array) {
    let out = "";
    for (const b of v) out += HEX[b >> 4] + HEX[b & 15];
    return out;
  }
  return fail(path, "a hex string");
}

function anyValue(v: unknown, path: string, depth: number): OtlpValue | undefined {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`${path}: attribute values nested deeper than ${MAX_DEPTH}`);
  const o = obj(v, path);
  if (!o) return undefined;
  const s = field(o, "stringValue");
  if (s !== undefined) return str(s, `${path}.stringValue`);
  const b = field(o, "boolValue");
  if (b !== undefined) return typeof b === "boolean" ? b : fail(`${path}.boolValue`, "a boolean");
  const i = field(o, "intValue");
  if (i !== undefined) {
    const n = int64(i, `${path}.intValue`);
    // Past 2^53 a JS number would silently change the value; keep it exact as text.
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
  }
  const d = field(o, "doubleValue");
  if (d !== undefined) {
    if (typeof d === "number") return Number.isFinite(d) ? d : String(d);
    // protobuf JSON spells non-finite doubles as strings
    if (d === "NaN" || d === "Infinity" || d === "-Infinity") return d;
    if (typeof d === "string" && d.trim() !== "" && Number.isFinite(Number(d))) return Number(d);
    return fail(`${path}.doubleValue`, "a number");
  }
  const a = field(o, "arrayValue");
  if (a !== undefined) {
    const values = list(obj(a, `${path}.arrayValue`)?.values, `${path}.arrayValue.values`);
    const out: OtlpValue[] = [];
    values.forEach((x, k) => {
      const item = anyValue(x, `${path}.arrayValue.values[${k}]`, depth + 1);
      if (item !== undefined) out.push(item);
    });
    return out;
  }
  const kv = field(o, "kvlistValue");
  if (kv !== undefined) {
    const values = obj(kv, `${path}.kvlistValue`)?.values;
    return keyValues(values, `${path}.kvlistValue.values`, depth + 1);
  }
  const by = field(o, "bytesValue");
  if (by !== undefined) {
    if (by instanceof Uint8Array) return Buffer.from(by).toString("base64");
    return str(by, `${path}.bytesValue`); // already base64 in JSON
  }
  return undefined; // an empty AnyValue: the attribute has no value
}

function keyValues(v: unknown, path: string, depth = 0): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  list(v, path).forEach((item, k) => {
    const kv = obj(item, `${path}[${k}]`);
    if (!kv) return;
    const key = str(kv.key, `${path}[${k}].key`);
    const value = anyValue(kv.value, `${path}[${k}].value`, depth);
    if (key === "" || value === undefined) return;
    // a "__proto__" key must stay data, never become the prototype
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true });
    else out[key] = value;
  });
  return out;
}

const STATUS_CODES = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const SPAN_KINDS = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function readSpan(v: unknown, path: string, resource: Record<string, OtlpValue>, scopeName: string): OtlpSpan {
  const s = obj(v, path) ?? {};
  const status = obj(field(s, "status"), `${path}.status`) ?? {};
  const events = readEvents(field(s, "events"), `${path}.events`);
  return {
    ...(events.length > 0 && { events }),
    traceId: hex(field(s, "traceId"), `${path}.traceId`),
    spanId: hex(field(s, "spanId"), `${path}.spanId`),
    parentSpanId: hex(field(s, "parentSpanId"), `${path}.parentSpanId`),
    name: str(field(s, "name"), `${path}.name`),
    kind: int32(field(s, "kind"), `${path}.kind`, SPAN_KINDS),
    startTimeUnixNano: nanos(field(s, "startTimeUnixNano"), `${path}.startTimeUnixNano`),
    endTimeUnixNano: nanos(field(s, "endTimeUnixNano"), `${path}.endTimeUnixNano`),
    attributes: keyValues(field(s, "attributes"), `${path}.attributes`),
    statusCode: int32(field(status, "code"), `${path}.status.code`, STATUS_CODES),
    statusMessage: str(field(status, "message"), `${path}.status.message`),
    resource,
    scopeName,
  };
}

function readEvents(v: unknown, path: string): OtlpEvent[] {
  const out: OtlpEvent[] = [];
  list(v, path).forEach((ev, i) => {
    const e = obj(ev, `${path}[${i}]`);
    if (!e) return;
    out.push({
      name: str(field(e, "name"), `${path}[${i}].name`),
      attributes: keyValues(field(e, "attributes"), `${path}[${i}].attributes`),
    });
  });
  return out;
}

/** Flattens a request into its spans, in request order. Throws OtlpDecodeError on a wrong type. */
export function readExportRequest(body: unknown): OtlpSpan[] {
  const root = obj(body, "body");
  if (!root) fail("body", "an ExportTraceServiceRequest object");
  const spans: OtlpSpan[] = [];
  list(field(root, "resourceSpans"), "resourceSpans").forEach((rsv, i) => {
    const rp = `resourceSpans[${i}]`;
    const rs = obj(rsv, rp) ?? {};
    const resourceObj = obj(field(rs, "resource"), `${rp}.resource`) ?? {};
    const resource = keyValues(field(resourceObj, "attributes"), `${rp}.resource.attributes`);
    list(field(rs, "scopeSpans"), `${rp}.scopeSpans`).forEach((ssv, j) => {
      const sp = `${rp}.scopeSpans[${j}]`;
      const ss = obj(ssv, sp) ?? {};
      const scope = obj(field(ss, "scope"), `${sp}.scope`) ?? {};
      const scopeName = str(scope.name, `${sp}.scope.name`);
      list(field(ss, "spans"), `${sp}.spans`).forEach((s, k) => {
        spans.push(readSpan(s, `${sp}.spans[${k}]`, resource, scopeName));
      });
    });
  });
  return spans;
}
