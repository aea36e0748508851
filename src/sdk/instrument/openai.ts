import { statusOfError } from "../record.js";
import { type CallSpan, field, type Usage } from "./call.js";
import { chatContent, responsesContent } from "./content-openai.js";
import { errorAttrs, type MethodSpec, recordingHook, type WrapOptions } from "./hooks.js";
import type { StreamObserver } from "./observe.js";
import { chatUsage, chunkHasContent, embeddingsUsage, responsesUsage } from "./openai-usage.js";
import { instrument } from "./proxy.js";

type Body = Record<string, unknown>;

function bodyOf(args: unknown[]): Body {
  const b = args[0];
  return typeof b === "object" && b !== null ? (b as Body) : {};
}

function modelOf(body: Body): string {
  return typeof body.model === "string" && body.model !== "" ? body.model : "unknown";
}

function responseModel(value: unknown): Record<string, string> | undefined {
  const m = field(value, "model");
  return typeof m === "string" ? { "llm.response_model": m } : undefined;
}

// Chat streams carry usage only in a final chunk, and only when stream_options.include_usage
// is set: the wrapper asks for it when the caller did not, then hides what it added.
const chat: MethodSpec = {
  defaultProvider: "openai",
  content: chatContent,
  plan(args) {
    const body = bodyOf(args);
    const stream = body.stream === true;
    const opts = body.stream_options;
    const asked = typeof opts === "object" && opts !== null && "include_usage" in opts;
    const inject = stream && !asked;
    const next = inject
      ? [{ ...body, stream_options: { ...(opts as Body | undefined), include_usage: true } }, ...args.slice(1)]
      : args;
    return { operation: "chat.completions.create", model: modelOf(body), stream, args: next, injected: inject };
  },
  usage: (value) => ({ usage: chatUsage(field(value, "usage")) ?? {}, attrs: responseModel(value) }),
  streamObserver(span, plan) {
    const injected = plan.injected === true;
    let usage: Usage | null = null;
    let contentChunks = 0;
    let finished = false;
    let model: Record<string, string> | undefined;
    const partial = (): Usage => usage ?? { prompt_tokens: 0, comp_tokens: contentChunks };
    const partialAttrs = () => ({ ...model, ...(usage === null ? { "usage.partial": true } : {}) });
    return {
      item(chunk) {
        model ??= responseModel(chunk);
        if (chunkHasContent(chunk)) {
          span.firstToken();
          contentChunks++;
        }
        const choices = field(chunk, "choices");
        if (Array.isArray(choices) && choices.some((c) => field(c, "finish_reason") != null)) finished = true;
        const u = chatUsage(field(chunk, "usage"));
        if (u !== null) usage = u;
        if (!injected) return true;
        if (u !== null && Array.isArray(choices) && choices.length === 0) return false;
        if (typeof chunk === "object" && chunk !== null && (chunk as Body).usage === null) delete (chunk as Body).usage;
        return true;
      },
      end: () => span.end("ok", partial(), partialAttrs()),
      error: (err) => span.end(statusOfError(err), partial(), { ...partialAttrs(), ...errorAttrs(err) }),
      abandon: () => span.end(finished ? "ok" : "timeout", partial(), partialAttrs()),
    };
  },
};

const responses: MethodSpec = {
  defaultProvider: "openai",
  content: responsesContent,
  plan(args) {
    const body = bodyOf(args);
    return { operation: "responses.create", model: modelOf(body), stream: body.stream === true, args };
  },
  usage(value) {
    const status = field(value, "status");
    const attrs: Record<string, string> = { ...responseModel(value) };
    if (typeof status === "string") attrs["llm.response_status"] = status;
    return { usage: responsesUsage(field(value, "usage")) ?? {}, attrs };
  },
  streamObserver(span: CallSpan): StreamObserver {
    let usage: Usage | null = null;
    let failed = false;
    let completed = false;
    let deltas = 0;
    const partial = (): Usage => usage ?? { prompt_tokens: 0, comp_tokens: deltas };
    const attrs = () => (usage === null ? { "usage.partial": true } : undefined);
    return {
      item(event) {
        const type = field(event, "type");
        if (typeof type !== "string") return true;
        if (type.endsWith(".delta")) {
          span.firstToken();
          deltas++;
        } else if (type === "response.completed" || type === "response.incomplete" || type === "response.failed") {
          usage = responsesUsage(field(event, "response", "usage")) ?? usage;
          completed = true;
          if (type === "response.failed") failed = true;
        } else if (type === "error") failed = true;
        return true;
      },
      end: () => span.end(failed ? "error" : "ok", partial(), attrs()),
      error: (err) => span.end(statusOfError(err), partial(), { ...attrs(), ...errorAttrs(err) }),
      abandon: () => span.end(completed ? (failed ? "error" : "ok") : "timeout", partial(), attrs()),
    };
  },
};

const embeddings: MethodSpec = {
  defaultProvider: "openai",
  plan(args) {
    return { operation: "embeddings.create", model: modelOf(bodyOf(args)), stream: false, args };
  },
  usage: (value) => ({ usage: embeddingsUsage(field(value, "usage")) ?? {}, attrs: responseModel(value) }),
  streamObserver: () => ({ item: () => true, end() {}, error() {}, abandon() {} }),
};

/**
 * Records every chat.completions.create, responses.create and embeddings.create call of an
 * OpenAI client (streamed or not) as a span: tokens (cached, reasoning), cost, latency,
 * ttft, status. The returned client has the same type and behaviour as the one passed in.
 *
 * @example const openai = wrapOpenAI(new OpenAI());
 */
export function wrapOpenAI<T extends object>(client: T, opts: WrapOptions = {}): T {
  return instrument(client, {
    "chat.completions": { create: recordingHook(chat, opts) },
    responses: { create: recordingHook(responses, opts) },
    embeddings: { create: recordingHook(embeddings, opts) },
  });
}
