import { inferProvider } from "../../span/provider.js";
import { capturing } from "../content.js";
import type { RecorderCore } from "../record.js";
import { statusOfError } from "../record.js";
import { recorderFor } from "../registry.js";
import type { Tracer } from "../types.js";
import { CallSpan, type Usage } from "./call.js";
import type { ContentSpec } from "./content-spec.js";
import { observeResult, observeStream, type ResultObserver, type StreamObserver } from "./observe.js";
import type { MethodHook } from "./proxy.js";

export interface WrapOptions {
  /** The tracer to record to (default: the most recently created tracer). */
  tracer?: Tracer;
  /** Capture prompts and completions of this client's calls (default: the tracer's captureContent). */
  captureContent?: boolean;
}

/** What a hook knows about one call before it is made. */
export interface CallPlan {
  operation: string;
  model: string;
  stream: boolean;
  /** Arguments to pass on (a copy of the body when the wrapper adds an option). */
  args: unknown[];
  /** The wrapper added stream_options.include_usage: hide what it brings. */
  injected?: boolean;
}

/** How one method turns its result into usage. */
export interface MethodSpec {
  defaultProvider: string;
  plan(args: unknown[]): CallPlan;
  /** Usage of a non-streamed result. */
  usage(value: unknown): { usage: Usage; attrs?: Record<string, string | number | boolean> };
  /** Observer of a streamed result; `span` is ended by it. */
  streamObserver(span: CallSpan, plan: CallPlan): StreamObserver;
  /** How the method's messages map onto the GenAI shapes, when content is captured. */
  content?: ContentSpec;
}

/** Attributes describing a failed call (error class and HTTP status when the client exposes them). */
export function errorAttrs(err: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (typeof err !== "object" || err === null) return out;
  const ctor = (err as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === "string") out["error.type"] = ctor;
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number") out["http.status_code"] = status;
  const message = (err as { message?: unknown }).message;
  if (typeof message === "string") out["error.message"] = message.slice(0, 512);
  return out;
}

function startSpan(core: RecorderCore, spec: MethodSpec, plan: CallPlan): CallSpan {
  const attrs: Record<string, string | number | boolean> = { "llm.operation": plan.operation };
  if (plan.stream) attrs["llm.stream"] = true;
  return new CallSpan(core, plan.model, inferProvider(plan.model) ?? spec.defaultProvider, attrs);
}

/** Ends the call's span from the client's result: a stream is observed to its end, a value read at once. */
class Outcome implements ResultObserver {
  constructor(
    private readonly spec: MethodSpec,
    private readonly plan: CallPlan,
    private readonly span: CallSpan,
    private readonly content: boolean,
  ) {}

  // The method's own observer, fed to the content assembler too when content is captured.
  private streamObserver(): StreamObserver {
    const inner = this.spec.streamObserver(this.span, this.plan);
    const acc = this.content ? this.spec.content?.stream() : undefined;
    if (acc === undefined) return inner;
    const flush = () => this.span.setOutput(safe(() => acc.output()));
    return {
      item(v) {
        safe(() => acc.item(v));
        return inner.item(v);
      },
      end() {
        flush();
        inner.end();
      },
      error(err) {
        flush();
        inner.error(err);
      },
      abandon() {
        flush();
        inner.abandon();
      },
    };
  }

  value(v: unknown): void {
    if (this.plan.stream && observeStream(v, this.streamObserver())) return;
    if (this.content) this.span.setOutput(safe(() => this.spec.content?.response(v) ?? null));
    const { usage, attrs } = this.spec.usage(v);
    this.span.end("ok", usage, attrs);
  }

  error(err: unknown): void {
    this.span.end(statusOfError(err), {}, errorAttrs(err));
  }
}

/**
 * A MethodHook recording one span per call of a client method. With no enabled tracer the
 * original is called as is. The caller gets the client's own return value (APIPromise,
 * Stream) and its own errors; recording failures never surface.
 */
export function recordingHook(spec: MethodSpec, opts: WrapOptions): MethodHook {
  return (orig, self, args) => {
    const core = recorderFor(opts.tracer);
    if (core === null || !core.enabled) return orig.apply(self, args);
    let plan: CallPlan;
    let span: CallSpan;
    let content = false;
    try {
      plan = spec.plan(args);
      span = startSpan(core, spec, plan);
      // per call (withContentCapture) > per client (wrap option) > tracer (captureContent)
      if (
        spec.content !== undefined &&
        core.capture !== undefined &&
        capturing(opts.captureContent ?? core.captureByDefault === true)
      ) {
        const body = args[0];
        if (typeof body === "object" && body !== null) {
          span.captureContent(spec.content.request(body as Record<string, unknown>), core.capture);
          content = true;
        }
      }
    } catch {
      return orig.apply(self, args);
    }
    let result: unknown;
    try {
      result = orig.apply(self, plan.args);
    } catch (err) {
      span.end(statusOfError(err), {}, errorAttrs(err));
      throw err;
    }
    return observeResult(result, new Outcome(spec, plan, span, content));
  };
}

function safe<T>(f: () => T | null): T | null {
  try {
    return f();
  } catch {
    return null; // content is best effort: a shape we cannot read never fails the span
  }
}
