import {
  type ContentFields,
  finishReason,
  isObj,
  type Message,
  type OutputMessage,
  outputMessage,
  type Part,
  text,
} from "../content.js";
import { field } from "./call.js";
import { requestParams } from "./content-openai.js";
import type { ContentSpec, RequestContent } from "./content-spec.js";

// Content blocks: text, tool_use, tool_result, image/document (kept by type, without their data), thinking.
function blocks(content: unknown): Part[] {
  if (typeof content === "string") return [text(content)];
  if (!Array.isArray(content)) return [];
  const out: Part[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === "text" && typeof b.text === "string") out.push(text(b.text));
    else if (b.type === "tool_use")
      out.push({
        type: "tool_call",
        id: (b.id as string) ?? null,
        name: String(b.name ?? ""),
        arguments: b.input ?? null,
      });
    else if (b.type === "tool_result") {
      const r = b.content;
      const response = Array.isArray(r) ? blocks(r).map((p) => (p.type === "text" ? p.content : p)) : (r ?? null);
      out.push({ type: "tool_call_response", id: (b.tool_use_id as string) ?? null, response });
    } else if (b.type === "thinking" || b.type === "redacted_thinking") {
      // the model's private reasoning is not part of the conversation
    } else out.push({ type: String(b.type ?? "unknown"), media_type: field(b, "source", "media_type") ?? null });
  }
  return out;
}

function output(value: unknown): OutputMessage[] | null {
  const content = field(value, "content");
  if (!Array.isArray(content)) return null;
  return [outputMessage(blocks(content), finishReason(field(value, "stop_reason")))];
}

/** messages.create: system, messages, tools and parameters; content blocks, streamed or not. */
export const messagesContent: ContentSpec = {
  request(body): RequestContent {
    const messages: Message[] | null = Array.isArray(body.messages)
      ? body.messages.filter(isObj).map((m) => ({ role: String(m.role ?? "user"), parts: blocks(m.content) }))
      : null;
    const fields: ContentFields = {
      input: messages,
      output: null,
      system: body.system === undefined ? null : blocks(body.system),
      tools: Array.isArray(body.tools) ? body.tools : null,
    };
    return { fields, params: requestParams(body) };
  },
  response: output,
  stream() {
    // blocks by index: text and tool input JSON arrive as deltas
    const parts: { type: string; text: string; id?: string; name?: string; json: string }[] = [];
    let stop: string | undefined;
    return {
      item(event) {
        const type = field(event, "type");
        if (type === "content_block_start") {
          const i = field(event, "index");
          const b = field(event, "content_block");
          if (typeof i !== "number" || !isObj(b)) return;
          parts[i] = {
            type: String(b.type),
            text: typeof b.text === "string" ? b.text : "",
            id: typeof b.id === "string" ? b.id : undefined,
            name: typeof b.name === "string" ? b.name : undefined,
            json: "",
          };
        } else if (type === "content_block_delta") {
          const p = parts[field(event, "index") as number];
          const d = field(event, "delta");
          if (p === undefined || !isObj(d)) return;
          if (typeof d.text === "string") p.text += d.text;
          if (typeof d.partial_json === "string") p.json += d.partial_json;
        } else if (type === "message_delta") {
          stop = finishReason(field(event, "delta", "stop_reason")) ?? stop;
        }
      },
      output() {
        const out: Part[] = [];
        for (const p of parts) {
          if (p === undefined) continue;
          if (p.type === "text") out.push(text(p.text));
          else if (p.type === "tool_use") {
            let args: unknown = p.json;
            try {
              args = p.json === "" ? {} : JSON.parse(p.json);
            } catch {
              // an input cut short stays as the text received
            }
            out.push({ type: "tool_call", id: p.id ?? null, name: p.name ?? "", arguments: args });
          }
        }
        return out.length === 0 && stop === undefined ? null : [outputMessage(out, stop)];
      },
    };
  },
};
