// Bodies in the shapes of the Anthropic Messages API reference: input_tokens excludes the
// cache reads and writes, which come as cache_read_input_tokens / cache_creation_input_tokens.

export interface AnthropicUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

function usage(u: AnthropicUsage) {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite ?? 0,
    cache_read_input_tokens: u.cacheRead ?? 0,
    output_tokens: u.output,
    service_tier: "standard",
  };
}

export function message(model: string, u: AnthropicUsage) {
  return {
    id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: "Hi! My name is Claude." }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: usage(u),
  };
}

/** The SSE events of a streamed message, as { event, data } pairs. */
export function messageEvents(model: string, u: AnthropicUsage, words: string[]) {
  const start = { ...message(model, { ...u, output: 1 }), content: [], stop_reason: null };
  return [
    { event: "message_start", data: { type: "message_start", message: start } },
    {
      event: "content_block_start",
      data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    },
    { event: "ping", data: { type: "ping" } },
    ...words.map((w) => ({
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: w } },
    })),
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: u.output },
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  ];
}
