// The package entry: `import { createTracer, wrapOpenAI, HttpTransport } from "tokentrace"`.
// Only the SDK is loaded here; the server is loaded on demand (tracer httpServer, CLI).

export type { ContentFields, Message, OutputMessage, Part } from "./content/types.js";
export type { ScoreSource } from "./score/types.js";
export type {
  AttrInput,
  AttributesInput,
  BudgetHandle,
  BudgetOptions,
  BudgetReading,
  CaptureContentOption,
  ConsoleTransportOptions,
  ContentSpan,
  ExportResult,
  FileTransportOptions,
  HttpServerConfig,
  HttpTransportOptions,
  LLMCall,
  MemoryTransportOptions,
  PricingConfig,
  RetryPolicy,
  ScoreInput,
  ScoreOptions,
  SdkRedactRule,
  SpanHandle,
  TraceHandle,
  TraceOptions,
  Tracer,
  TracerConfig,
  TracerStats,
  Transport,
  WireScore,
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
  withContentCapture,
  wrapAnthropic,
  wrapOpenAI,
} from "./sdk/index.js";
export type { Span, SpanStatus } from "./span/types.js";

import { provideInProcessServer } from "./sdk/inprocess.js";

provideInProcessServer(async () => (await import("./server/in-process.js")).startInProcess);
