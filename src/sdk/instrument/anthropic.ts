import { statusOfError } from "../record.js";
import { type CallSpan, field, num, type Usage } from "./call.js";
import { messagesContent } from "./content-anthropic.js";
import { errorAttrs, type MethodSpec, recordingHook, type WrapOptions } from "./hooks.js";
import type { StreamObserver } from "./observe.js";
import { instrument } from "./proxy.js";

interface RawUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
}

function readUsage(u: unknown, into: RawUsage): RawUsage {
  if (typeof u !== "object" || u === null) return into;
  // message_delta usage is cumulative; fields it omits keep the message_start values.
  return {
    input: num(field(u, "input_tokens")) ?? into.input,
    output: num(field(u, "output_tokens")) ?? into.output,
    cacheRead: num(field(u, "cache_read_input_tokens")) ?? into.cacheRead,
    cacheWrite: num(field(u, "cache_creation_input_tokens")) ?? into.cacheWrite,
  };
}

/**
 * Anthropic reports input_tokens WITHOUT cache reads and writes; tokentrace's prompt_tokens
 * includes both (the pricing convention), with the reads as cached_tokens.
 */
export function anthropicUsage(r: RawUsage): Usage {
  const read = r.cacheRead ?? 0;
  const write = r.cacheWrite ?? 0;
  return {
    prompt_tokens: (r.input ?? 0) + read + write,
    comp_tokens: r.output ?? 0,
    cached_tokens: r.cacheRead ?? null,
    cache_write_tokens: r.cacheWrite ?? null,
  };
}

function modelAttr(m: unknown): Record<string, string> | undefined {
  return typeof m === "string" ? { "llm.response_model": m } : undefined;
}

function streamObserver(span: CallSpan): StreamObserver {
  let raw: RawUsage = {};
  let stopped = false;
  let failed = false;
  let model: Record<string, string> | undefined;
  const attrs = () => (stopped ? model : { ...model, "usage.partial": true });
  return {
    item(event) {
      const type = field(event, "type");
      if (type === "message_start") {
        raw = readUsage(field(event, "message", "usage"), raw);
        model = modelAttr(field(event, "message", "model"));
      } else if (type === "content_block_delta" || type === "content_block_start") {
        if (type === "content_block_delta") span.firstToken();
      } else if (type === "message_delta") {
        raw = readUsage(field(event, "usage"), raw);
      } else if (type === "message_stop") {
        stopped = true;
      } else if (type === "error") {
        failed = true;
      }
      return true;
    },
    end: () => span.end(failed ? "error" : "ok", anthropicUsage(raw), attrs()),
    error: (err) => span.end(statusOfError(err), anthropicUsage(raw), { ...attrs(), ...errorAttrs(err) }),
    abandon: () => span.end(stopped ? "ok" : "timeout", anthropicUsage(raw), attrs()),
  };
}

const messages: MethodSpec = {
  defaultProvider: "anthropic",
  content: messagesContent,
  plan(args) {
    const b = args[0];
    const body = typeof b === "object" && b !== null ? (b as Record<string, unknown>) : {};
    const model = typeof body.model === "string" && body.model !== "" ? body.model : "unknown";
    return { operation: "messages.create", model, stream: body.stream === true, args };
  },
  usage: (value) => ({
    usage: anthropicUsage(readUsage(field(value, "usage"), {})),
    attrs: modelAttr(field(value, "model")),
  }),
  streamObserver,
};

/**
 * Records every messages.create call of an Anthropic client (and messages.stream, which
 * goes through it) as a span: tokens incl. cache reads and writes, cost, latency, ttft,
 * status. The returned client has the same type and behaviour as the one passed in.
 *
 * @example const anthropic = wrapAnthropic(new Anthropic());
 */
export function wrapAnthropic<T extends object>(client: T, opts: WrapOptions = {}): T {
  return instrument(client, { messages: { create: recordingHook(messages, opts) } });
}
