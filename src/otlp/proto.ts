import protobuf from "protobufjs";

/**
 * The subset of opentelemetry-proto that an OTLP/HTTP trace receiver needs, written from the
 * field numbers of trace.proto, common.proto, resource.proto and
 * collector/trace/v1/trace_service.proto, plus google.rpc.Status for error bodies.
 * Field names are the lowerCamelCase JSON names so that a decoded protobuf message and an
 * OTLP/JSON body walk through the same reader (see read.ts).
 * Span events (field 11) are read for their GenAI message content (content.ts); links (13)
 * are left out on purpose, and protobufjs skips undeclared fields without materialising them.
 */
const KEY_VALUES = { rule: "repeated", type: "KeyValue" } as const;

const DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: ["stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue", "bytesValue"],
            },
          },
          fields: {
            stringValue: { type: "string", id: 1 },
            boolValue: { type: "bool", id: 2 },
            intValue: { type: "int64", id: 3 },
            doubleValue: { type: "double", id: 4 },
            arrayValue: { type: "ArrayValue", id: 5 },
            kvlistValue: { type: "KeyValueList", id: 6 },
            bytesValue: { type: "bytes", id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: "repeated", type: "AnyValue", id: 1 } } },
        KeyValueList: { fields: { values: { ...KEY_VALUES, id: 1 } } },
        KeyValue: { fields: { key: { type: "string", id: 1 }, value: { type: "AnyValue", id: 2 } } },
        InstrumentationScope: {
          fields: {
            name: { type: "string", id: 1 },
            version: { type: "string", id: 2 },
            attributes: { ...KEY_VALUES, id: 3 },
            droppedAttributesCount: { type: "uint32", id: 4 },
          },
        },
        Resource: {
          fields: { attributes: { ...KEY_VALUES, id: 1 }, droppedAttributesCount: { type: "uint32", id: 2 } },
        },
        Status: {
          // field 1 is reserved (the removed deprecated_code)
          fields: { message: { type: "string", id: 2 }, code: { type: "int32", id: 3 } },
        },
        Span: {
          fields: {
            traceId: { type: "bytes", id: 1 },
            spanId: { type: "bytes", id: 2 },
            traceState: { type: "string", id: 3 },
            parentSpanId: { type: "bytes", id: 4 },
            flags: { type: "fixed32", id: 16 },
            name: { type: "string", id: 5 },
            kind: { type: "int32", id: 6 },
            startTimeUnixNano: { type: "fixed64", id: 7 },
            endTimeUnixNano: { type: "fixed64", id: 8 },
            attributes: { ...KEY_VALUES, id: 9 },
            droppedAttributesCount: { type: "uint32", id: 10 },
            events: { rule: "repeated", type: "SpanEvent", id: 11 },
            droppedEventsCount: { type: "uint32", id: 12 },
            droppedLinksCount: { type: "uint32", id: 14 },
            status: { type: "Status", id: 15 },
          },
        },
        SpanEvent: {
          fields: {
            timeUnixNano: { type: "fixed64", id: 1 },
            name: { type: "string", id: 2 },
            attributes: { ...KEY_VALUES, id: 3 },
            droppedAttributesCount: { type: "uint32", id: 4 },
          },
        },
        ScopeSpans: {
          fields: {
            scope: { type: "InstrumentationScope", id: 1 },
            spans: { rule: "repeated", type: "Span", id: 2 },
            schemaUrl: { type: "string", id: 3 },
          },
        },
        ResourceSpans: {
          fields: {
            resource: { type: "Resource", id: 1 },
            scopeSpans: { rule: "repeated", type: "ScopeSpans", id: 2 },
            schemaUrl: { type: "string", id: 3 },
          },
        },
        ExportTraceServiceRequest: { fields: { resourceSpans: { rule: "repeated", type: "ResourceSpans", id: 1 } } },
        ExportTracePartialSuccess: {
          fields: { rejectedSpans: { type: "int64", id: 1 }, errorMessage: { type: "string", id: 2 } },
        },
        ExportTraceServiceResponse: { fields: { partialSuccess: { type: "ExportTracePartialSuccess", id: 1 } } },
        // google.rpc.Status; details (field 3, repeated google.protobuf.Any) is never sent.
        RpcStatus: { fields: { code: { type: "int32", id: 1 }, message: { type: "string", id: 2 } } },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
const ExportRequest = root.lookupType("otlp.ExportTraceServiceRequest");
const ExportResponse = root.lookupType("otlp.ExportTraceServiceResponse");
const RpcStatus = root.lookupType("otlp.RpcStatus");

/**
 * Decodes an ExportTraceServiceRequest. The messages are read as they come out of the decoder
 * (no toObject copy): fields carry their JSON names, set fields are own properties, ids are
 * bytes (Uint8Array) and 64-bit integers are Long objects. Throws on a malformed or
 * truncated message.
 */
export function decodeExportRequest(body: Uint8Array): unknown {
  return ExportRequest.decode(body);
}

/** Encodes an ExportTraceServiceResponse; a fully accepted request is the empty message. */
export function encodeExportResponse(partial: { rejectedSpans: number; errorMessage: string } | null): Uint8Array {
  const payload = partial ? { partialSuccess: partial } : {};
  return ExportResponse.encode(ExportResponse.fromObject(payload)).finish();
}

/** Encodes a google.rpc.Status, the error body of OTLP/HTTP protobuf responses. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}

/** Encodes a request given in the decoded shape (int64 as strings or numbers, ids as bytes); tests build bodies with it. */
export function encodeExportRequest(request: Record<string, unknown>): Uint8Array {
  return ExportRequest.encode(ExportRequest.fromObject(request)).finish();
}
