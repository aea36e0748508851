export type { BudgetHandle, BudgetOptions, BudgetReading } from "./budget.js";
export type { CaptureContentOption, ContentSpan, SdkRedactRule } from "./content.js";
export { withContentCapture } from "./content.js";
export type { TraceOptions } from "./identity.js";
export { anthropicUsage, wrapAnthropic } from "./instrument/anthropic.js";
export type { WrapOptions } from "./instrument/hooks.js";
export { wrapOpenAI } from "./instrument/openai.js";
export { statusOfError } from "./record.js";
export { DEFAULT_RETRY, exportWithRetry } from "./retry.js";
export type { ScoreInput, ScoreOptions, WireScore } from "./score.js";
export { toWireScore } from "./score.js";
export { createTracer } from "./tracer.js";
export type {
  ConsoleTransportOptions,
  ExportResult,
  FileTransportOptions,
  HttpTransportOptions,
  MemoryTransportOptions,
  PostOptions,
  PostResult,
  Sink,
  Transport,
} from "./transports/index.js";
export {
  ConsoleTransport,
  FileTransport,
  failure,
  HttpTransport,
  MemoryTransport,
  postSpans,
  retryable,
  SUCCESS,
  scoresEndpoint,
  spansEndpoint,
} from "./transports/index.js";
export type {
  AttrInput,
  AttributesInput,
  HttpServerConfig,
  LLMCall,
  PricingConfig,
  RetryPolicy,
  SpanHandle,
  TraceHandle,
  Tracer,
  TracerConfig,
  TracerStats,
} from "./types.js";
export type { WireSpan } from "./wire.js";
export { toWireBody, toWireSpan } from "./wire.js";
