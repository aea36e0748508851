import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Attributes, SpanStatus } from "../span/types.js";
import { mergeAttributes } from "./attributes.js";
import { type ActiveContext, runInContext } from "./context.js";
import { newSpanId } from "./ids.js";
import { buildSpan, type RecorderCore, statusOfError } from "./record.js";
import type { AttributesInput, LLMCall, SpanHandle, TraceHandle } from "./types.js";

/**
 * A trace (root) or a span inside one. It is sent only once it carries LLM data
 * (POST /spans requires a model); until then it groups: its attributes are inherited
 * and spans started inside it take its nearest sent ancestor as their parent.
 */
export class SpanImpl implements TraceHandle {
  readonly spanId = newSpanId();
  private readonly attrs: Attributes = {};
  private llm: LLMCall | null = null;
  private ended = false;
  private readonly t0 = performance.now();
  private readonly startedAt = Date.now();
  readonly ctx: ActiveContext;

  constructor(
    private readonly core: RecorderCore,
    readonly traceId: string,
    readonly name: string,
    private readonly parent: SpanImpl | null,
    /** Parent span id fixed at start, as the nesting stood then. */
    private readonly parentSpanId: string | null,
  ) {
    const self = this;
    this.ctx = {
      traceId,
      name,
      get parentSpanId() {
        return self.llm !== null ? self.spanId : self.parentSpanId;
      },
      attributes: () => this.inherited(),
      owner: this,
      root: parent === null ? this : parent.ctx.root,
    };
  }

  ID(): string {
    return this.parent === null ? this.traceId : this.spanId;
  }

  traceID(): string {
    return this.traceId;
  }

  setAttributes(attrs: AttributesInput): this {
    mergeAttributes(this.attrs, attrs);
    return this;
  }

  recordLLMCall(call: LLMCall): this {
    if (this.ended || this.llm !== null) {
      // Already an LLM span (or done): the call becomes a completed span of its own here.
      recordCompleted(this.core, this.ended ? this.parent?.ctx : this.ctx, call);
    } else if (call !== null && typeof call === "object") {
      this.llm = call;
    }
    return this;
  }

  run<T>(fn: () => T): T {
    return runInContext(this.ctx, fn);
  }

  startSpan(name: string): SpanHandle {
    return new SpanImpl(this.core, this.traceId, name, this, this.ctx.parentSpanId);
  }

  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T> {
    return runSpan(this.startSpan(name) as SpanImpl, fn);
  }

  end(status?: SpanStatus): void {
    if (this.ended) return;
    this.ended = true;
    const call = this.llm;
    if (call === null || !this.core.enabled) return;
    const timing = { startedAt: this.startedAt, latencyMs: performance.now() - this.t0 };
    const ids = { traceId: this.traceId, spanId: this.spanId, parentSpanId: this.parentSpanId, name: this.name };
    try {
      this.core.emit(buildSpan(this.core, this.ctx, call, ids, timing, status ?? call.status ?? "ok"));
    } catch {
      // Recording must never reach the host app.
    }
  }

  private inherited(): Attributes {
    if (this.parent === null) return this.attrs;
    const up = this.parent.inherited();
    return Object.keys(this.attrs).length === 0 ? up : { ...up, ...this.attrs };
  }
}

/** Runs fn inside span: ends it with status error on a throw, timeout on an abort; rethrows. */
export async function runSpan<T>(span: SpanImpl, fn: (span: SpanImpl) => T | Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await span.run(() => fn(span));
  } catch (err) {
    span.end(statusOfError(err));
    throw err;
  }
  span.end();
  return result;
}

/** Records an already finished call as its own span under ctx (or as a one-span trace). */
export function recordCompleted(core: RecorderCore, ctx: ActiveContext | undefined, call: LLMCall): void {
  if (!core.enabled || call === null || typeof call !== "object") return;
  try {
    const latency = typeof call.latency_ms === "number" ? call.latency_ms : 0;
    const ended = typeof call.ended_at === "number" ? call.ended_at : Date.now();
    const started = typeof call.started_at === "number" ? call.started_at : ended - Math.round(latency);
    const ids = {
      traceId: ctx?.traceId ?? randomUUID(),
      spanId: newSpanId(),
      parentSpanId: ctx?.parentSpanId ?? null,
      name: ctx?.name ?? null,
    };
    core.emit(buildSpan(core, ctx, call, ids, { startedAt: started, latencyMs: latency }, call.status ?? "ok"));
  } catch {
    // Never throw into the host app.
  }
}
