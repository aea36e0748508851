import {
  type ContentFields,
  finishReason,
  isObj,
  jsonArgs,
  type Message,
  type OutputMessage,
  outputMessage,
  type Part,
  text,
} from "../content.js";
import { field } from "./call.js";
import type { ContentSpec, RequestContent } from "./content-spec.js";

type Obj = Record<string, unknown>;

// Chat content: a string or a list of parts (text, image_url, input_audio, file, refusal).
function chatParts(content: unknown): Part[] {
  if (typeof content === "string") return [text(content)];
  if (!Array.isArray(content)) return [];
  return content.filter(isObj).map((p): Part => {
    if (p.type === "text" && typeof p.text === "string") return text(p.text);
    if (p.type === "refusal" && typeof p.refusal === "string") return text(p.refusal);
    if (p.type === "image_url") return { type: "uri", modality: "image", uri: field(p, "image_url", "url") ?? null };
    return { type: String(p.type ?? "unknown") };
  });
}

function toolCallParts(calls: unknown): Part[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObj).map((c) => ({
    type: "tool_call",
    id: typeof c.id === "string" ? c.id : null,
    name: String(field(c, "function", "name") ?? ""),
    arguments: jsonArgs(field(c, "function", "arguments")),
  }));
}

function chatMessage(m: Obj): Message {
  const role = typeof m.role === "string" ? m.role : "user";
  if (role === "tool") {
    const response = typeof m.content === "string" ? m.content : chatParts(m.content);
    const id = typeof m.tool_call_id === "string" ? m.tool_call_id : null;
    return { role, parts: [{ type: "tool_call_response", id, response }] };
  }
  // "developer" is OpenAI's newer name for system instructions
  const out: Message = {
    role: role === "developer" ? "system" : role,
    parts: [...chatParts(m.content), ...toolCallParts(m.tool_calls)],
  };
  if (typeof m.name === "string") out.name = m.name;
  return out;
}

const PARAMS: [string, string][] = [
  ["temperature", "gen_ai.request.temperature"],
  ["top_p", "gen_ai.request.top_p"],
  ["max_tokens", "gen_ai.request.max_tokens"],
  ["max_completion_tokens", "gen_ai.request.max_tokens"],
  ["max_output_tokens", "gen_ai.request.max_tokens"],
  ["frequency_penalty", "gen_ai.request.frequency_penalty"],
  ["presence_penalty", "gen_ai.request.presence_penalty"],
  ["seed", "gen_ai.request.seed"],
];

/** Numeric request parameters as gen_ai.request.* attributes. */
export function requestParams(body: Obj, keys: [string, string][] = PARAMS): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, attr] of keys) {
    const v = body[k];
    if (typeof v === "number" && Number.isFinite(v)) out[attr] = v;
  }
  return out;
}

function chatOutput(value: unknown): OutputMessage[] | null {
  const choices = field(value, "choices");
  if (!Array.isArray(choices)) return null;
  return choices.filter(isObj).map((c) => {
    const m = isObj(c.message) ? c.message : {};
    const parts = [...chatParts(m.content ?? m.refusal), ...toolCallParts(m.tool_calls)];
    return outputMessage(parts, finishReason(c.finish_reason));
  });
}

interface PendingCall {
  id: string | null;
  name: string;
  args: string;
}

/** chat.completions.create: messages, tools and parameters; choices, streamed or not. */
export const chatContent: ContentSpec = {
  request(body): RequestContent {
    const messages = Array.isArray(body.messages) ? body.messages.filter(isObj).map(chatMessage) : null;
    const fields: ContentFields = {
      input: messages,
      output: null,
      system: null,
      tools: Array.isArray(body.tools) ? body.tools : null,
    };
    return { fields, params: requestParams(body) };
  },
  response: chatOutput,
  stream() {
    // per choice index: text so far, tool calls by their index, finish reason
    const choices: { text: string; calls: PendingCall[]; finish?: string }[] = [];
    return {
      item(chunk) {
        const list = field(chunk, "choices");
        if (!Array.isArray(list)) return;
        for (const c of list) {
          if (!isObj(c)) continue;
          const i = typeof c.index === "number" ? c.index : 0;
          if (choices[i] === undefined) choices[i] = { text: "", calls: [] };
          const acc = choices[i];
          const d = isObj(c.delta) ? c.delta : {};
          if (typeof d.content === "string") acc.text += d.content;
          if (Array.isArray(d.tool_calls)) {
            for (const t of d.tool_calls) {
              if (!isObj(t)) continue;
              const k = typeof t.index === "number" ? t.index : acc.calls.length;
              if (acc.calls[k] === undefined) acc.calls[k] = { id: null, name: "", args: "" };
              const call = acc.calls[k];
              if (typeof t.id === "string") call.id = t.id;
              const name = field(t, "function", "name");
              if (typeof name === "string") call.name += name;
              const args = field(t, "function", "arguments");
              if (typeof args === "string") call.args += args;
            }
          }
          if (typeof c.finish_reason === "string") acc.finish = finishReason(c.finish_reason);
        }
      },
      output() {
        return choices
          .filter((c) => c !== undefined)
          .map((c) => {
            const parts: Part[] = c.text === "" ? [] : [text(c.text)];
            for (const call of c.calls.filter((x) => x !== undefined)) {
              parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: jsonArgs(call.args) });
            }
            return outputMessage(parts, c.finish);
          });
      },
    };
  },
};

// Responses API items: messages with input_text/output_text parts, function calls and their outputs.
function responseParts(content: unknown): Part[] {
  if (typeof content === "string") return [text(content)];
  if (!Array.isArray(content)) return [];
  return content.filter(isObj).map((p): Part => {
    if (typeof p.text === "string") return text(p.text);
    if (p.type === "refusal" && typeof p.refusal === "string") return text(p.refusal);
    if (p.type === "input_image") return { type: "uri", modality: "image", uri: p.image_url ?? p.file_id ?? null };
    return { type: String(p.type ?? "unknown") };
  });
}

function responseItems(items: unknown[], defaultRole: string): Message[] {
  const out: Message[] = [];
  for (const it of items) {
    if (!isObj(it)) continue;
    if (it.type === "function_call") {
      const call: Part = {
        type: "tool_call",
        id: (it.call_id as string) ?? null,
        name: String(it.name ?? ""),
        arguments: jsonArgs(it.arguments),
      };
      out.push({ role: "assistant", parts: [call] });
    } else if (it.type === "function_call_output") {
      out.push({
        role: "tool",
        parts: [{ type: "tool_call_response", id: (it.call_id as string) ?? null, response: it.output ?? null }],
      });
    } else if (it.type === "reasoning") {
      // reasoning summaries are not part of the conversation
    } else if (it.role !== undefined || it.type === "message") {
      const role = typeof it.role === "string" ? it.role : defaultRole;
      out.push({ role: role === "developer" ? "system" : role, parts: responseParts(it.content) });
    }
  }
  return out;
}

function responsesOutput(response: unknown): OutputMessage[] | null {
  const items = field(response, "output");
  if (!Array.isArray(items)) return null;
  const status = field(response, "status");
  const finish =
    status === "completed" ? "stop" : status === "incomplete" ? "length" : status === "failed" ? "error" : undefined;
  const parts = responseItems(items, "assistant").flatMap((m) => m.parts);
  return [outputMessage(parts, parts.some((p) => p.type === "tool_call") && finish === "stop" ? "tool_call" : finish)];
}

/** responses.create: input items, instructions and tools; output items, streamed or not. */
export const responsesContent: ContentSpec = {
  request(body): RequestContent {
    const input =
      typeof body.input === "string"
        ? [{ role: "user", parts: [text(body.input)] }]
        : Array.isArray(body.input)
          ? responseItems(body.input, "user")
          : null;
    const fields: ContentFields = {
      input,
      output: null,
      system: typeof body.instructions === "string" ? [text(body.instructions)] : null,
      tools: Array.isArray(body.tools) ? body.tools : null,
    };
    return { fields, params: requestParams(body) };
  },
  response: responsesOutput,
  stream() {
    let final: OutputMessage[] | null = null;
    let deltas = "";
    return {
      item(event) {
        const type = field(event, "type");
        if (type === "response.output_text.delta") {
          const d = field(event, "delta");
          if (typeof d === "string") deltas += d;
        } else if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") {
          final = responsesOutput(field(event, "response"));
        }
      },
      // a stream cut short has no final response: what was streamed so far
      output: () => final ?? (deltas === "" ? null : [outputMessage([text(deltas)])]),
    };
  },
};
