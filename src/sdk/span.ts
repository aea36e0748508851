import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Attributes, Span, SpanStatus } from "../span/types.js";
import { mergeAttributes } from "./attributes.js";
import { type ActiveContext, runInContext } from "./context.js";
import { newSpanId } from "./ids.js";
import { buildSpan, type RecorderCore, statusOfError } from "./record.js";
import type { AttributesInput, LLMCall, SpanHandle, TraceHandle } from "./types.js";

interface Waiting {
  span: Span;
  send(span: Span): void;
}

// Spans held by one open span (see place); past this they go on with the parent known so far.
const MAX_WAITING = 1000;

/**
 * A trace (root) or a span inside one. It is sent only once it carries LLM data
 * (POST /spans requires a model); until then it groups: its attributes are inherited,
 * and spans recorded inside it take as parent the nearest enclosing span that is sent.
 * Whether a span is sent is known when it gets LLM data or ends, so spans finished inside
 * an open span without LLM data wait in it until then.
 */
export class SpanImpl implements TraceHandle {
  readonly spanId = newSpanId();
  private readonly attrs: Attributes = {};
  private llm: LLMCall | null = null;
  private ended = false;
  private waiting: Waiting[] = [];
  private readonly t0 = performance.now();
  private readonly startedAt = Date.now();
  readonly ctx: ActiveContext;

  constructor(
    private readonly core: RecorderCore,
    readonly traceId: string,
    readonly name: string,
    private readonly parent: SpanImpl | null,
  ) {
    this.ctx = {
      traceId,
      name,
      place: (span, send) => this.place(span, send),
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
      this.release(this.spanId);
    }
    return this;
  }

  run<T>(fn: () => T): T {
    return runInContext(this.ctx, fn);
  }

  startSpan(name: string): SpanHandle {
    return new SpanImpl(this.core, this.traceId, name, this);
  }

  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T> {
    return runSpan(this.startSpan(name) as SpanImpl, fn);
  }

  end(status?: SpanStatus): void {
    if (this.ended) return;
    this.ended = true;
    const call = this.llm;
    if (call === null) {
      this.release(null);
      return;
    }
    if (!this.core.enabled) return;
    const timing = { startedAt: this.startedAt, latencyMs: performance.now() - this.t0 };
    const ids = { traceId: this.traceId, spanId: this.spanId, parentSpanId: null, name: this.name };
    try {
      const span = buildSpan(this.core, this.ctx, call, ids, timing, status ?? call.status ?? "ok");
      this.placeUp(span, (s) => this.core.emit(s));
    } catch {
      // Recording must never reach the host app.
    }
  }

  /** See ActiveContext.place. */
  private place(span: Span, send: (span: Span) => void): void {
    if (this.llm !== null) {
      span.parent_span_id = this.spanId;
      send(span);
    } else if (!this.ended && this.waiting.length < MAX_WAITING) {
      this.waiting.push({ span, send });
    } else {
      this.placeUp(span, send);
    }
  }

  private placeUp(span: Span, send: (span: Span) => void): void {
    if (this.parent !== null) this.parent.place(span, send);
    else {
      span.parent_span_id = null;
      send(span);
    }
  }

  /** Sends the waiting spans: as children of this span when it is sent, else one level up. */
  private release(parentSpanId: string | null): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      if (parentSpanId === null) this.placeUp(w.span, w.send);
      else {
        w.span.parent_span_id = parentSpanId;
        w.send(w.span);
      }
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
      parentSpanId: null,
      name: ctx?.name ?? null,
    };
    const span = buildSpan(core, ctx, call, ids, { startedAt: started, latencyMs: latency }, call.status ?? "ok");
    sendIn(core, ctx, span);
  } catch {
    // Never throw into the host app.
  }
}

/** Sends a span recorded under ctx (its parent found there), or on its own outside any trace. */
export function sendIn(core: RecorderCore, ctx: ActiveContext | undefined, span: Span): void {
  const send = (s: Span) => core.emit(s);
  if (ctx === undefined) send(span);
  else ctx.place(span, send);
}
