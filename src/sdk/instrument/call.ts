import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { SpanStatus } from "../../span/types.js";
import { type CaptureSettings, type ContentSpan, finishContent, type OutputMessage } from "../content.js";
import { type ActiveContext, currentContext } from "../context.js";
import { newSpanId } from "../ids.js";
import { buildSpan, type RecorderCore } from "../record.js";
import { sendIn } from "../span.js";
import type { LLMCall } from "../types.js";
import type { RequestContent } from "./content-spec.js";

/** Token counts read from a provider response, in tokentrace's convention (prompt includes cached). */
export type Usage = Pick<
  LLMCall,
  "prompt_tokens" | "comp_tokens" | "cached_tokens" | "cache_write_tokens" | "reasoning_tokens"
>;

/**
 * One wrapped client call: captures the trace context and clock when the call starts and
 * emits exactly one span when it ends, however it ends (value, stream end, error, abort).
 */
export class CallSpan {
  private readonly ctx: ActiveContext | undefined = currentContext();
  private readonly t0 = performance.now();
  private readonly startedAt = Date.now();
  private ttft: number | null = null;
  private done = false;
  private request: RequestContent | null = null;
  private output: OutputMessage[] | null = null;
  private settings: CaptureSettings | null = null;

  constructor(
    private readonly core: RecorderCore,
    private readonly model: string,
    private readonly provider: string,
    private readonly attributes: Record<string, string | number | boolean>,
  ) {}

  /** Captures content for this call: the request now, the output before end(). */
  captureContent(request: RequestContent, settings: CaptureSettings): void {
    this.request = request;
    this.settings = settings;
  }

  setOutput(output: OutputMessage[] | null): void {
    this.output = output;
  }

  /** Marks the first streamed token; later calls are ignored. */
  firstToken(): void {
    if (this.ttft === null) this.ttft = performance.now() - this.t0;
  }

  end(status: SpanStatus, usage: Usage, extra?: Record<string, string | number | boolean>): void {
    if (this.done) return;
    this.done = true;
    try {
      const call: LLMCall = {
        model: this.model,
        provider: this.provider,
        prompt_tokens: usage.prompt_tokens,
        comp_tokens: usage.comp_tokens,
        cached_tokens: usage.cached_tokens,
        cache_write_tokens: usage.cache_write_tokens,
        reasoning_tokens: usage.reasoning_tokens,
        ttft_ms: this.ttft,
      };
      const ctx = this.ctx;
      const ids = {
        traceId: ctx === undefined ? randomUUID() : ctx.traceId,
        spanId: newSpanId(),
        parentSpanId: null,
        name: ctx === undefined ? null : ctx.name,
      };
      const timing = { startedAt: this.startedAt, latencyMs: performance.now() - this.t0 };
      const attrs = extra === undefined ? this.attributes : Object.assign(this.attributes, extra);
      const span: ContentSpan = buildSpan(this.core, ctx, call, ids, timing, status, attrs);
      if (this.request !== null && this.settings !== null) {
        Object.assign(span.attributes, this.request.params);
        try {
          const { fields, redactions } = finishContent({ ...this.request.fields, output: this.output }, this.settings);
          span.content = fields;
          if (redactions > 0) span.attributes["content.redactions"] = redactions;
        } catch {
          // a redaction hook that throws: the span goes without content rather than unredacted
          span.attributes["content.dropped"] = "redaction failed";
        }
      }
      sendIn(this.core, ctx, span);
    } catch {
      // Recording must never reach the host app.
    }
  }
}

/** A non-negative integer from an untyped field, else undefined. */
export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Reads a nested field of an untyped object without throwing. */
export function field(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const k of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
