import type { ContentFields, Message, OutputMessage, Part } from "../content/types.js";
import type { OtlpEvent, OtlpSpan, OtlpValue } from "./read.js";

type Flat = Map<string, OtlpValue>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Attribute keys that carry content (top level); they never go into the span's attributes. */
const EXACT_KEYS = new Set([
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.system_instructions",
  "gen_ai.tool.definitions",
  "gen_ai.prompt",
  "gen_ai.completion",
  "ai.prompt",
  "ai.prompt.messages",
  "ai.prompt.tools",
  "ai.response.text",
  "ai.response.toolCalls",
  "input.value",
  "output.value",
]);
const PREFIXES = ["gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages", "llm.output_messages"];

/** True for an attribute holding prompt or completion content. */
export function isContentKey(key: string): boolean {
  return EXACT_KEYS.has(key) || PREFIXES.some((p) => key.startsWith(p));
}

// kvlists arrive as nested objects: flatten to the dotted keys the conventions are written in.
function flatten(attrs: Record<string, OtlpValue>, out: Flat = new Map(), prefix = ""): Flat {
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    const key = prefix === "" ? k : `${prefix}.${k}`;
    if (isObj(v)) flatten(v as Record<string, OtlpValue>, out, key);
    else out.set(key, v);
  }
  return out;
}

function json(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const text = (content: string): Part => ({ type: "text", content });

/** GenAI JSON messages as given (a JSON string or an array), kept when they have the shape. */
function genAiMessages(v: unknown): Message[] | null {
  const parsed = json(v);
  if (!Array.isArray(parsed)) return null;
  return parsed
    .filter(isObj)
    .map((m) => ({ ...m, role: String(m.role ?? "user"), parts: Array.isArray(m.parts) ? (m.parts as Part[]) : [] }));
}

/** Indexed attributes `PREFIX.N.rest` grouped by N, in index order. */
function indexed(flat: Flat, prefix: string): Map<string, unknown>[] {
  const by = new Map<number, Map<string, unknown>>();
  for (const [k, v] of flat) {
    if (!k.startsWith(prefix)) continue;
    const m = /^(\d+)\.(.+)$/.exec(k.slice(prefix.length));
    if (m === null) continue;
    const n = Number(m[1]);
    if (!by.has(n)) by.set(n, new Map());
    by.get(n)?.set(m[2], v);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

// Older GenAI attributes: gen_ai.prompt.N.{role,content,tool_call_id,tool_calls.M.*}, gen_ai.completion.N.*
function legacyMessages(flat: Flat, prefix: string): OutputMessage[] | null {
  const groups = indexed(flat, prefix);
  if (groups.length === 0) return null;
  return groups.map((g) => {
    const role = str(g.get("role")) ?? (prefix.startsWith("gen_ai.completion") ? "assistant" : "user");
    const parts: Part[] = [];
    const content = g.get("content");
    const callId = str(g.get("tool_call_id"));
    if (role === "tool" && callId !== undefined)
      parts.push({ type: "tool_call_response", id: callId, response: content ?? null });
    else if (typeof content === "string") parts.push(text(content));
    for (const call of indexed(new Map([...g].map(([k, v]) => [k, v as OtlpValue])), "tool_calls.")) {
      parts.push({
        type: "tool_call",
        id: str(call.get("id")) ?? null,
        name: str(call.get("name")) ?? "",
        arguments: json(call.get("arguments")) ?? null,
      });
    }
    const m: OutputMessage = { role, parts };
    const finish = str(g.get("finish_reason"));
    if (finish !== undefined) m.finish_reason = finish;
    return m;
  });
}

// OpenInference: llm.input_messages.N.message.{role,content,contents.M.message_content.text,tool_calls.M.tool_call.*,tool_call_id}
function openInference(flat: Flat, prefix: string): Message[] | null {
  const groups = indexed(flat, `${prefix}.`);
  if (groups.length === 0) return null;
  return groups.map((g) => {
    const get = (k: string) => g.get(`message.${k}`);
    const role = str(get("role")) ?? "user";
    const parts: Part[] = [];
    const content = get("content");
    const callId = str(get("tool_call_id"));
    if (role === "tool" && callId !== undefined)
      parts.push({ type: "tool_call_response", id: callId, response: content ?? null });
    else if (typeof content === "string") parts.push(text(content));
    const sub = new Map([...g].map(([k, v]) => [k, v as OtlpValue]));
    for (const c of indexed(sub, "message.contents.")) {
      const t = c.get("message_content.text");
      if (typeof t === "string") parts.push(text(t));
    }
    for (const c of indexed(sub, "message.tool_calls.")) {
      parts.push({
        type: "tool_call",
        id: str(c.get("tool_call.id")) ?? null,
        name: str(c.get("tool_call.function.name")) ?? "",
        arguments: json(c.get("tool_call.function.arguments")) ?? null,
      });
    }
    return { role, parts };
  });
}

// Vercel AI SDK message content: a string or parts (text, tool-call, tool-result).
function vercelParts(content: unknown): Part[] {
  if (typeof content === "string") return [text(content)];
  if (!Array.isArray(content)) return [];
  return content.filter(isObj).map((p): Part => {
    if (p.type === "text" && typeof p.text === "string") return text(p.text);
    if (p.type === "tool-call")
      return {
        type: "tool_call",
        id: str(p.toolCallId) ?? null,
        name: str(p.toolName) ?? "",
        arguments: p.input ?? p.args ?? null,
      };
    if (p.type === "tool-result")
      return { type: "tool_call_response", id: str(p.toolCallId) ?? null, response: p.output ?? p.result ?? null };
    return { type: String(p.type ?? "unknown") };
  });
}

function vercel(flat: Flat): Partial<ContentFields> {
  const out: Partial<ContentFields> = {};
  let msgs = json(flat.get("ai.prompt.messages"));
  const prompt = json(flat.get("ai.prompt"));
  if (!Array.isArray(msgs) && isObj(prompt)) {
    msgs = Array.isArray(prompt.messages)
      ? prompt.messages
      : typeof prompt.prompt === "string"
        ? [{ role: "user", content: prompt.prompt }]
        : undefined;
    if (typeof prompt.system === "string") out.system = [text(prompt.system)];
  }
  if (Array.isArray(msgs)) {
    const all = msgs.filter(isObj).map((m) => ({ role: String(m.role ?? "user"), parts: vercelParts(m.content) }));
    // the system message of ai.prompt.messages is the system instruction
    const sys = all.filter((m) => m.role === "system");
    if (sys.length > 0 && out.system === undefined) out.system = sys.flatMap((m) => m.parts);
    out.input = all.filter((m) => m.role !== "system");
  }
  const answer = flat.get("ai.response.text");
  const calls = json(flat.get("ai.response.toolCalls"));
  if (typeof answer === "string" || Array.isArray(calls)) {
    const parts: Part[] = typeof answer === "string" && answer !== "" ? [text(answer)] : [];
    if (Array.isArray(calls))
      parts.push(...vercelParts(calls.map((c) => (isObj(c) ? { type: "tool-call", ...c } : c))));
    const m: OutputMessage = { role: "assistant", parts };
    const finish = str(flat.get("ai.response.finishReason"));
    if (finish !== undefined) m.finish_reason = finish === "tool-calls" ? "tool_call" : finish;
    out.output = [m];
  }
  const tools = json(flat.get("ai.prompt.tools"));
  if (Array.isArray(tools)) out.tools = tools.map(json);
  return out;
}

const EVENT_ROLES: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

// Span events of the earlier GenAI conventions: one per message, gen_ai.choice per output.
function events(list: OtlpEvent[]): Partial<ContentFields> {
  const input: Message[] = [];
  const output: OutputMessage[] = [];
  for (const e of list) {
    const a = flatten(e.attributes);
    const role = EVENT_ROLES[e.name];
    if (role !== undefined) {
      const content = json(a.get("content"));
      const id = str(a.get("id"));
      const parts: Part[] =
        role === "tool"
          ? [{ type: "tool_call_response", id: id ?? null, response: content ?? null }]
          : typeof content === "string"
            ? [text(content)]
            : [];
      const calls = json(a.get("tool_calls"));
      if (Array.isArray(calls)) {
        for (const c of calls.filter(isObj))
          parts.push({
            type: "tool_call",
            id: str(c.id) ?? null,
            name: String((c.function as Obj | undefined)?.name ?? c.name ?? ""),
            arguments: json((c.function as Obj | undefined)?.arguments ?? c.arguments) ?? null,
          });
      }
      input.push({ role, parts });
    } else if (e.name === "gen_ai.choice") {
      const content = a.get("message.content") ?? json(a.get("message"));
      const parts =
        typeof content === "string"
          ? [text(content)]
          : isObj(content) && typeof content.content === "string"
            ? [text(content.content)]
            : [];
      const m: OutputMessage = { role: str(a.get("message.role")) ?? "assistant", parts };
      const finish = str(a.get("finish_reason"));
      if (finish !== undefined) m.finish_reason = finish;
      output.push(m);
    } else if (e.name === "gen_ai.content.prompt" || e.name === "gen_ai.content.completion") {
      const v = a.get(e.name === "gen_ai.content.prompt" ? "gen_ai.prompt" : "gen_ai.completion");
      const parsed = json(v);
      const msgs = Array.isArray(parsed)
        ? parsed.filter(isObj).map((m) => ({ role: String(m.role ?? "user"), parts: vercelParts(m.content) }))
        : typeof v === "string"
          ? [{ role: e.name.endsWith("prompt") ? "user" : "assistant", parts: [text(v)] }]
          : [];
      (e.name.endsWith("prompt") ? input : output).push(...msgs);
    }
  }
  const out: Partial<ContentFields> = {};
  if (input.length > 0) out.input = input;
  if (output.length > 0) out.output = output;
  return out;
}

/**
 * The prompt and completion content of one OTLP span, from whichever convention its
 * instrumentation follows (first found wins per field): GenAI JSON attributes
 * (gen_ai.input.messages ...), the older indexed gen_ai.prompt.N.* / gen_ai.completion.N.*
 * attributes, gen_ai.*.message / gen_ai.choice span events, OpenInference
 * llm.input_messages / llm.output_messages, and the Vercel AI SDK's ai.prompt.messages /
 * ai.response.text. Null when the span carries none.
 */
export function contentOfOtlpSpan(s: OtlpSpan): ContentFields | null {
  const flat = flatten(s.attributes);
  const ev = s.events !== undefined ? events(s.events) : {};
  const v = vercel(flat);
  const input =
    genAiMessages(flat.get("gen_ai.input.messages")) ??
    legacyMessages(flat, "gen_ai.prompt.") ??
    openInference(flat, "llm.input_messages") ??
    ev.input ??
    v.input ??
    null;
  const output =
    (genAiMessages(flat.get("gen_ai.output.messages")) as OutputMessage[] | null) ??
    legacyMessages(flat, "gen_ai.completion.") ??
    openInference(flat, "llm.output_messages") ??
    ev.output ??
    v.output ??
    null;
  const sys = json(flat.get("gen_ai.system_instructions"));
  const system = Array.isArray(sys)
    ? (sys.filter(isObj) as Part[])
    : typeof sys === "string"
      ? [text(sys)]
      : (v.system ?? null);
  const defs = json(flat.get("gen_ai.tool.definitions"));
  const tools = Array.isArray(defs) ? defs : (v.tools ?? null);
  if (input === null && output === null && system === null && tools === null) return null;
  return { input, output, system, tools };
}
