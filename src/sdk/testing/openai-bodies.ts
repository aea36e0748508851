// Response bodies in the shapes of the OpenAI API reference (chat completions, chunks,
// responses, embeddings), with usage details for cached and reasoning tokens.

export function chatCompletion(
  model: string,
  usage: { prompt: number; completion: number; cached?: number; reasoning?: number },
) {
  return {
    id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
    object: "chat.completion",
    created: 1741569952,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello! How can I assist you today?", refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: usage.reasoning ?? 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_fc9f1d7035",
  };
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null, withUsageField: boolean) {
  const c: Record<string, unknown> = {
    id: "chatcmpl-123",
    object: "chat.completion.chunk",
    created: 1694268190,
    model,
    system_fingerprint: "fp_44709d6fcb",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (withUsageField) c.usage = null;
  return c;
}

/** The chunks of a streamed chat completion; the usage chunk only when include_usage was asked. */
export function chatChunks(
  model: string,
  words: string[],
  usage: { prompt: number; completion: number; cached?: number } | null,
): unknown[] {
  const withUsage = usage !== null;
  const out: unknown[] = [chunk(model, { role: "assistant", content: "", refusal: null }, null, withUsage)];
  for (const w of words) out.push(chunk(model, { content: w }, null, withUsage));
  out.push(chunk(model, {}, "stop", withUsage));
  if (usage !== null) {
    out.push({
      id: "chatcmpl-123",
      object: "chat.completion.chunk",
      created: 1694268190,
      model,
      system_fingerprint: "fp_44709d6fcb",
      choices: [],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
        prompt_tokens_details: { cached_tokens: usage.cached ?? 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
    });
  }
  return out;
}

export function responsesUsageBody(input: number, output: number, cached: number, reasoning: number) {
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

export function responseObject(
  model: string,
  usage: ReturnType<typeof responsesUsageBody> | null,
  status = "completed",
) {
  return {
    id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
    object: "response",
    created_at: 1741476542,
    status,
    error: null,
    incomplete_details: null,
    instructions: null,
    model,
    output: [
      {
        type: "message",
        id: "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "In a peaceful grove beneath a silver moon...", annotations: [] }],
      },
    ],
    parallel_tool_calls: true,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1.0,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1.0,
    truncation: "disabled",
    usage,
    user: null,
    metadata: {},
  };
}

export function embeddingBody(model: string, promptTokens: number) {
  return {
    object: "list",
    data: [{ object: "embedding", embedding: [0.0023064255, -0.009327292, -0.0028842222], index: 0 }],
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}
