import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeExportRequest, encodeExportRequest } from "./proto.js";
import { OtlpDecodeError, readExportRequest } from "./read.js";

const TRACE = "5B8EFFF798038103D269B633813FC60C";
const SPAN = "EEE19B7EC3C1B174";

function jsonRequest(span: Record<string, unknown>, resourceAttrs: unknown[] = []) {
  return {
    resourceSpans: [
      { resource: { attributes: resourceAttrs }, scopeSpans: [{ scope: { name: "lib" }, spans: [span] }] },
    ],
  };
}

function decodeError(body: unknown): string {
  try {
    readExportRequest(body);
  } catch (err) {
    assert.ok(err instanceof OtlpDecodeError, String(err));
    return err.message;
  }
  return assert.fail("expected an OtlpDecodeError");
}

describe("OTLP/JSON", () => {
  test("ids become lowercase hex, int64 may be a string or a number, enums may be names", () => {
    const [s] = readExportRequest(
      jsonRequest({
        traceId: TRACE,
        spanId: SPAN,
        name: "chat",
        kind: "SPAN_KIND_CLIENT",
        startTimeUnixNano: "1773584581441000000",
        endTimeUnixNano: 1773584582681000000,
        status: { code: "STATUS_CODE_ERROR", message: "boom" },
      }),
    );
    assert.equal(s.traceId, TRACE.toLowerCase());
    assert.equal(s.spanId, SPAN.toLowerCase());
    assert.equal(s.kind, 3);
    assert.equal(s.startTimeUnixNano, 1773584581441000000n);
    // a JSON number this large went through a double; the microsecond rounding restores it
    assert.equal(s.endTimeUnixNano, 1773584582681000000n);
    assert.deepEqual([s.statusCode, s.statusMessage, s.scopeName], [2, "boom", "lib"]);
  });

  test("every AnyValue kind becomes a plain value; kvlists nest, arrays stay arrays", () => {
    const [s] = readExportRequest(
      jsonRequest({
        attributes: [
          { key: "s", value: { stringValue: "x" } },
          { key: "b", value: { boolValue: false } },
          { key: "i", value: { intValue: "42" } },
          { key: "big", value: { intValue: "9007199254740993" } },
          { key: "d", value: { doubleValue: 0.5 } },
          { key: "nan", value: { doubleValue: "NaN" } },
          { key: "arr", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: 1 }] } } },
          { key: "kv", value: { kvlistValue: { values: [{ key: "k", value: { stringValue: "v" } }] } } },
          { key: "bytes", value: { bytesValue: "aGk=" } },
          { key: "empty", value: {} },
          { key: "__proto__", value: { stringValue: "data, not a prototype" } },
        ],
      }),
    );
    assert.deepEqual(
      { ...s.attributes },
      {
        s: "x",
        b: false,
        i: 42,
        big: "9007199254740993",
        d: 0.5,
        nan: "NaN",
        arr: ["a", 1],
        kv: { k: "v" },
        bytes: "aGk=",
        ["__proto__"]: "data, not a prototype",
      },
    );
    assert.equal(Object.getPrototypeOf(s.attributes), Object.prototype);
  });

  test("proto field names (snake_case) are accepted as protobuf JSON parsers do", () => {
    const [s] = readExportRequest({
      resource_spans: [{ scope_spans: [{ spans: [{ trace_id: TRACE, span_id: SPAN, start_time_unix_nano: "5" }] }] }],
    });
    assert.deepEqual([s.traceId, s.startTimeUnixNano], [TRACE.toLowerCase(), 5n]);
  });

  test("resource attributes are shared by the spans under them", () => {
    const spans = readExportRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
          scopeSpans: [{ spans: [{ name: "a" }, { name: "b" }] }, { spans: [{ name: "c" }] }],
        },
      ],
    });
    assert.deepEqual(
      spans.map((s) => [s.name, s.resource["service.name"]]),
      [
        ["a", "svc"],
        ["b", "svc"],
        ["c", "svc"],
      ],
    );
  });

  test("wrong JSON types are decode errors naming the path", () => {
    assert.equal(decodeError([]), "body: expected an object");
    assert.equal(decodeError({ resourceSpans: {} }), "resourceSpans: expected an array");
    assert.equal(
      decodeError(jsonRequest({ startTimeUnixNano: { n: 1 } })),
      "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an integer (number or decimal string)",
    );
    assert.equal(
      decodeError(jsonRequest({ name: 5 })),
      "resourceSpans[0].scopeSpans[0].spans[0].name: expected a string",
    );
    assert.equal(
      decodeError(jsonRequest({ traceId: 12 })),
      "resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string",
    );
    assert.match(
      decodeError(jsonRequest({ attributes: [{ key: "n", value: { intValue: "1.5" } }] })),
      /attributes\[0\]\.value\.intValue: expected an integer/,
    );
    assert.match(
      decodeError(jsonRequest({ attributes: [{ key: "b", value: { boolValue: "yes" } }] })),
      /boolValue: expected a boolean/,
    );
    assert.match(
      decodeError(jsonRequest({ status: { code: "BROKEN" } })),
      /status\.code: expected an integer or one of STATUS_CODE_UNSET/,
    );
    assert.match(decodeError(jsonRequest({ attributes: {} })), /attributes: expected an array/);
  });

  test("attribute values nested without end are refused", () => {
    let value: Record<string, unknown> = { stringValue: "leaf" };
    for (let i = 0; i < 40; i++) value = { arrayValue: { values: [value] } };
    assert.match(decodeError(jsonRequest({ attributes: [{ key: "deep", value }] })), /nested deeper than 16/);
  });
});

describe("OTLP/protobuf", () => {
  const request = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
        scopeSpans: [
          {
            scope: { name: "lib" },
            spans: [
              {
                traceId: Buffer.from(TRACE, "hex"),
                spanId: Buffer.from(SPAN, "hex"),
                name: "chat",
                kind: 3,
                startTimeUnixNano: "1773584581441000123",
                endTimeUnixNano: "1773584582681000456",
                attributes: [
                  { key: "gen_ai.usage.input_tokens", value: { intValue: 512 } },
                  { key: "d", value: { doubleValue: 0.25 } },
                  { key: "kv", value: { kvlistValue: { values: [{ key: "k", value: { boolValue: true } }] } } },
                ],
                status: { code: 2, message: "boom" },
              },
            ],
          },
        ],
      },
    ],
  };

  test("a binary request reads exactly like its JSON twin", () => {
    const [s] = readExportRequest(decodeExportRequest(encodeExportRequest(request)));
    assert.equal(s.traceId, TRACE.toLowerCase());
    assert.equal(s.spanId, SPAN.toLowerCase());
    assert.equal(s.parentSpanId, "");
    assert.equal(s.startTimeUnixNano, 1773584581441000123n, "fixed64 keeps every nanosecond");
    assert.equal(s.endTimeUnixNano, 1773584582681000456n);
    assert.deepEqual({ ...s.attributes }, { "gen_ai.usage.input_tokens": 512, d: 0.25, kv: { k: true } });
    assert.deepEqual([s.statusCode, s.statusMessage, s.kind, s.resource["service.name"]], [2, "boom", 3, "svc"]);
  });

  test("a truncated message does not decode", () => {
    const bytes = encodeExportRequest(request);
    assert.throws(() => decodeExportRequest(bytes.subarray(0, bytes.length - 7)));
  });

  test("an empty body is an empty request", () => {
    assert.deepEqual(readExportRequest(decodeExportRequest(new Uint8Array(0))), []);
  });
});
