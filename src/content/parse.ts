import type { ContentFields, Message, OutputMessage, Part } from "./types.js";

/** Content that does not have the GenAI message shape; `path` is relative to the span (`input[0].parts`). */
export class ContentShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

function fail(path: string, message: string): never {
  throw new ContentShapeError(path, message);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parts(v: unknown, path: string): Part[] {
  if (typeof v === "string") return [{ type: "text", content: v }];
  if (!Array.isArray(v)) fail(path, 'must be a list of parts such as { type: "text", content: "..." }');
  return v.map((p, i) => {
    if (typeof p === "string") return { type: "text", content: p };
    if (!isObj(p) || typeof p.type !== "string" || p.type === "")
      fail(`${path}[${i}].type`, "must be a non-empty string");
    if (p.type === "text" && typeof p.content !== "string") fail(`${path}[${i}].content`, "must be a string");
    if (p.type === "tool_call" && typeof p.name !== "string") fail(`${path}[${i}].name`, "must be a string");
    return p as Part;
  });
}

function messages(v: unknown, path: string, defaultRole: string): Message[] {
  // A plain string is one message: the common case of a single prompt or completion.
  if (typeof v === "string") return [{ role: defaultRole, parts: [{ type: "text", content: v }] }];
  if (!Array.isArray(v)) fail(path, "must be a list of messages { role, parts } or a string");
  return v.map((m, i) => {
    if (!isObj(m)) fail(`${path}[${i}]`, "must be a message object { role, parts }");
    if (typeof m.role !== "string" || m.role === "") fail(`${path}[${i}].role`, "must be a non-empty string");
    const out: OutputMessage = { ...m, role: m.role, parts: parts(m.parts ?? [], `${path}[${i}].parts`) };
    if (m.finish_reason !== undefined && typeof m.finish_reason !== "string")
      fail(`${path}[${i}].finish_reason`, "must be a string");
    return out;
  });
}

/**
 * Reads the content fields of one POST /spans span (`input`, `output`, `system`, `tools`);
 * null when it has none. Strings are shorthand: `input: "hi"` is one user message,
 * `output: "hello"` one assistant message, `system: "be brief"` one text part.
 * Throws ContentShapeError naming the field.
 */
export function readContentFields(raw: Record<string, unknown>): ContentFields | null {
  const { input, output, system, tools } = raw;
  if (input == null && output == null && system == null && tools == null) return null;
  if (tools != null && !Array.isArray(tools)) fail("tools", "must be a list of tool definitions");
  return {
    input: input == null ? null : messages(input, "input", "user"),
    output: output == null ? null : messages(output, "output", "assistant"),
    system: system == null ? null : parts(system, "system"),
    tools: tools == null ? null : (tools as unknown[]),
  };
}
