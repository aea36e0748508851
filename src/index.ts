// The package entry: `import { createTracer, wrapOpenAI, HttpTransport } from "tokentrace"`.
// Only the SDK is loaded here; the server is loaded on demand (tracer httpServer, CLI).
export type {
  AttrInput,
  AttributesInput,
  ConsoleTransportOptions,
  ExportResult,
  FileTransportOptions,
  HttpServerConfig,
  HttpTransportOptions,
  LLMCall,
  MemoryTransportOptions,
  PricingConfig,
  RetryPolicy,
  SpanHandle,
  TraceHandle,
  Tracer,
  TracerConfig,
  TracerStats,
  Transport,
  WireSpan,
  WrapOptions,
} from "./sdk/index.js";
export {
  ConsoleTransport,
  createTracer,
  FileTransport,
  failure,
  HttpTransport,
  MemoryTransport,
  retryable,
  SUCCESS,
  toWireSpan,
  wrapAnthropic,
  wrapOpenAI,
} from "./sdk/index.js";
export type { Span, SpanStatus } from "./span/types.js";

import { provideInProcessServer } from "./sdk/inprocess.js";

provideInProcessServer(async () => (await import("./server/in-process.js")).startInProcess);
