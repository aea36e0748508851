/**
 * Which span attributes carry which tokentrace field, in order of precedence: the first key
 * present wins. GenAI semantic conventions first (current name before deprecated), then the
 * older OpenLLMetry `llm.*` names, OpenInference `llm.*`, and the Vercel AI SDK `ai.*`.
 * docs/otlp.md renders the same table; keep both in step.
 */
export const MODEL_KEYS = [
  "gen_ai.response.model",
  "gen_ai.request.model",
  "llm.response.model", // OpenLLMetry before gen_ai.*
  "llm.request.model",
  "llm.model_name", // OpenInference
  "ai.response.model", // Vercel AI SDK: the model that answered
  "ai.model.id",
] as const;

export const PROVIDER_KEYS = [
  "gen_ai.provider.name",
  "gen_ai.system", // deprecated in favour of gen_ai.provider.name
  "llm.provider", // OpenInference: the hosting provider
  "llm.system", // OpenInference: the model family
  "llm.vendor", // OpenLLMetry before gen_ai.*
  "ai.model.provider", // Vercel AI SDK, e.g. "openai.chat": the part before the first "."
] as const;

export const PROMPT_KEYS = [
  "gen_ai.usage.input_tokens",
  "gen_ai.usage.prompt_tokens", // deprecated
  "llm.usage.prompt_tokens",
  "llm.token_count.prompt",
  "ai.usage.inputTokens", // AI SDK 5+
  "ai.usage.promptTokens", // AI SDK 4
] as const;

export const COMPLETION_KEYS = [
  "gen_ai.usage.output_tokens",
  "gen_ai.usage.completion_tokens", // deprecated
  "llm.usage.completion_tokens",
  "llm.token_count.completion",
  "ai.usage.outputTokens",
  "ai.usage.completionTokens",
] as const;

export const TOTAL_KEYS = [
  "gen_ai.usage.total_tokens",
  "llm.usage.total_tokens",
  "llm.token_count.total",
  "ai.usage.totalTokens",
] as const;

export const CACHE_READ_KEYS = [
  "gen_ai.usage.cache_read.input_tokens",
  "gen_ai.usage.cache_read_input_tokens", // deprecated
  "gen_ai.usage.input_tokens.cached",
  "llm.usage.cache_read_input_tokens",
  "llm.token_count.prompt_details.cache_read",
  "ai.usage.cachedInputTokens",
] as const;

export const CACHE_WRITE_KEYS = [
  "gen_ai.usage.cache_creation.input_tokens",
  "gen_ai.usage.cache_creation_input_tokens", // deprecated
  "gen_ai.usage.input_tokens.cache_write",
  "llm.usage.cache_creation_input_tokens",
  "llm.token_count.prompt_details.cache_write",
] as const;

export const REASONING_KEYS = [
  "gen_ai.usage.reasoning.output_tokens",
  "gen_ai.usage.output_tokens.reasoning",
  "gen_ai.usage.reasoning_tokens",
  "llm.usage.reasoning_tokens",
  "llm.token_count.completion_details.reasoning",
  "ai.usage.reasoningTokens",
] as const;

/**
 * The conversation a span belongs to (session_id): the GenAI conventions' conversation id,
 * then OpenTelemetry's (and OpenInference's) `session.id`, then the Vercel AI SDK's
 * telemetry metadata (`experimental_telemetry: { metadata: { sessionId } }`).
 */
export const SESSION_KEYS = ["gen_ai.conversation.id", "session.id", "ai.telemetry.metadata.sessionId"] as const;

/**
 * The end user a span served (user_id): OpenTelemetry's (and OpenInference's) `user.id`, then
 * `enduser.id` (deprecated in its favour), then the Vercel AI SDK's telemetry metadata.
 */
export const USER_KEYS = ["user.id", "enduser.id", "ai.telemetry.metadata.userId"] as const;

export const COST_KEYS = ["gen_ai.usage.cost", "llm.cost.total"] as const;

/** Time to first token; the unit differs by convention. */
export const TTFT_KEYS: ReadonlyArray<readonly [string, number]> = [
  ["gen_ai.server.time_to_first_token", 1000], // seconds
  ["ai.response.msToFirstChunk", 1], // milliseconds (streamText doStream)
  ["ai.stream.msToFirstChunk", 1],
];

/**
 * Vercel AI SDK wrapper spans: `ai.generateText` and friends repeat the summed usage of the
 * `*.doGenerate` / `*.doStream` calls nested in them. Counting both would double every token,
 * so the wrappers are kept as plain (non-LLM) spans of the trace.
 */
export const VERCEL_WRAPPER_OPERATIONS: ReadonlySet<string> = new Set([
  "ai.generateText",
  "ai.streamText",
  "ai.generateObject",
  "ai.streamObject",
  "ai.embed",
  "ai.embedMany",
]);

/** OpenInference span kinds that are LLM calls; spans of any other kind are not. */
export const OPENINFERENCE_LLM_KINDS: ReadonlySet<string> = new Set(["LLM", "EMBEDDING"]);

/**
 * Provider spellings folded onto the names tokentrace infers from model names, so one
 * provider is one group whatever the instrumentation called it.
 */
export const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  "gcp.gemini": "google",
  "gcp.vertex_ai": "google",
  "gcp.gen_ai": "google",
  vertex_ai: "google",
  vertexai: "google",
  gemini: "google",
  google_genai: "google",
  "az.ai.openai": "azure",
  "azure.ai.openai": "azure",
  "az.ai.inference": "azure",
  "azure.ai.inference": "azure",
  azure_openai: "azure",
  "azure-openai": "azure",
  "aws.bedrock": "aws",
  "amazon-bedrock": "aws",
  bedrock: "aws",
  mistral_ai: "mistral",
  x_ai: "xai",
  "x-ai": "xai",
};
