import { field, num, type Usage } from "./call.js";

/** usage of a Chat Completions response or final stream chunk (prompt_tokens includes cached_tokens). */
export function chatUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  return {
    prompt_tokens: num(field(u, "prompt_tokens")),
    comp_tokens: num(field(u, "completion_tokens")),
    cached_tokens: num(field(u, "prompt_tokens_details", "cached_tokens")) ?? null,
    reasoning_tokens: num(field(u, "completion_tokens_details", "reasoning_tokens")) ?? null,
  };
}

/** usage of a Responses API response (input_tokens includes cached tokens). */
export function responsesUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  return {
    prompt_tokens: num(field(u, "input_tokens")),
    comp_tokens: num(field(u, "output_tokens")),
    cached_tokens: num(field(u, "input_tokens_details", "cached_tokens")) ?? null,
    reasoning_tokens: num(field(u, "output_tokens_details", "reasoning_tokens")) ?? null,
  };
}

/** usage of an embeddings response: only input is billed. */
export function embeddingsUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  return { prompt_tokens: num(field(u, "prompt_tokens")) ?? num(field(u, "total_tokens")), comp_tokens: 0 };
}

/** True when a chat chunk carries generated content (text, refusal, tool call or reasoning). */
export function chunkHasContent(chunk: unknown): boolean {
  const choices = field(chunk, "choices");
  if (!Array.isArray(choices)) return false;
  for (const c of choices) {
    const d = field(c, "delta");
    if (typeof d !== "object" || d === null) continue;
    const delta = d as Record<string, unknown>;
    if (typeof delta.content === "string" && delta.content !== "") return true;
    if (typeof delta.refusal === "string" && delta.refusal !== "") return true;
    if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") return true;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
  }
  return false;
}
