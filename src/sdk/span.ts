import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Attributes, Span, SpanStatus } from "../span/types.js";
import { mergeAttributes } from "./attributes.js";
import { type ActiveContext, runInContext } from "./context.js";
import { TraceIdentity, type TraceOptions } from "./identity.js";
import { newSpanId } from "./ids.js";
import { buildGroupSpan, buildSpan, type RecorderCore, statusOfError } from "./record.js";
import type { ScoreOptions } from "./score.js";
import type { AttributesInput, LLMCall, SpanHandle, TraceHandle } from "./types.js";

/**
 * A trace (root) or a span inside one. Every span is sent when it ends: with LLM data it is
 * an LLM span (POST /spans); without, a grouping span with no model (sent over OTLP, since
 * POST /spans requires a model), which the server keeps in its trace but never counts in the
 * metrics. Spans recorded inside it take it as their parent and inherit its attributes.
 */
export class SpanImpl implements TraceHandle {
  readonly spanId = newSpanId();
  private readonly attrs: Attributes = {};
  private llm: LLMCall | null = null;
  private ended = false;
  private readonly t0 = performance.now();
  private readonly startedAt = Date.now();
  readonly ctx: ActiveContext;
  private readonly identity: TraceIdentity;

  constructor(
    private readonly core: RecorderCore,
    readonly traceId: string,
    readonly name: string,
    private readonly parent: SpanImpl | null,
    /** A trace's own session and user (a span takes its trace's). */
    options?: TraceOptions,
  ) {
    this.identity = parent?.identity ?? new TraceIdentity(options, (reason) => core.refuseId?.(reason));
    this.ctx = {
      traceId,
      name,
      spanId: this.spanId,
      attributes: () => this.inherited(),
      identity: this.identity,
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

  setUser(userId: string): this {
    this.identity.set("userId", userId);
    return this;
  }

  setSession(sessionId: string): this {
    this.identity.set("sessionId", sessionId);
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
    return new SpanImpl(this.core, this.traceId, name, this);
  }

  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T> {
    return runSpan(this.startSpan(name) as SpanImpl, fn);
  }

  end(status?: SpanStatus): void {
    if (this.ended) return;
    this.ended = true;
    // a trace that ended has its session and user settled: later setUser() calls are ignored
    if (this.parent === null) this.identity.closed = true;
    if (!this.core.enabled) return;
    const timing = { startedAt: this.startedAt, latencyMs: performance.now() - this.t0 };
    const ids = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parent?.spanId ?? null,
      name: this.name,
    };
    try {
      const call = this.llm;
      const span =
        call === null
          ? buildGroupSpan(this.core, this.inherited(), ids, timing, status ?? "ok", this.identity)
          : buildSpan(this.core, this.ctx, call, ids, timing, status ?? call.status ?? "ok");
      this.core.emit(span);
    } catch {
      // Recording must never reach the host app.
    }
  }

  score(name: string, value: number | boolean | string, options?: ScoreOptions): this {
    try {
      this.core.score?.({
        traceId: this.traceId,
        // a trace's own score is about the whole trace, not its root span
        ...(this.parent !== null && { spanId: this.spanId }),
        name,
        ...(typeof value === "string" ? { label: value } : { value }),
        comment: options?.comment,
        source: options?.source,
      });
    } catch {
      // Recording must never reach the host app.
    }
    return this;
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

/** Sends a span recorded under ctx (the enclosing span its parent), or on its own outside any trace. */
export function sendIn(core: RecorderCore, ctx: ActiveContext | undefined, span: Span): void {
  span.parent_span_id = ctx?.spanId ?? null;
  core.emit(span);
}
