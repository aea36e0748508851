import type { Pricer } from "../pricing/index.js";
import { type Attributes, nonLlmSpan, type Span, type SpanStatus } from "../span/types.js";
import { clamp, int, logNormal, normal, pick, type Rand, uuid } from "./random.js";

/** What the moment of a call looks like: incidents raise error rates and latencies. */
export interface Conditions {
  /** Probability that a call to this provider fails. */
  errorRate(provider: string): number;
  /** Multiplier on this model's latency. */
  slowdown(model: string): number;
  /** Quality shift of the summariser's current prompt version (a regression shows as < 0). */
  promptVersion: string;
  qualityShift: number;
}

export interface Call {
  name: string;
  model: string;
  provider: string;
  prompt: number;
  comp: number;
  cached?: number;
  reasoning?: number;
  /** Median latency in ms before incidents and token count are applied. */
  medianMs: number;
  /** Typical eval.score of this model on this task; undefined = not scored. */
  quality?: number;
  streaming?: boolean;
  attrs?: Attributes;
}

const ERROR_TYPES: Record<string, string[]> = {
  openai: ["rate_limit_exceeded", "server_error", "context_length_exceeded"],
  anthropic: ["overloaded_error", "rate_limit_error", "api_error"],
  google: ["RESOURCE_EXHAUSTED", "INTERNAL", "UNAVAILABLE"],
};

/**
 * Builds the spans of one trace: plain (non-LLM) steps and LLM calls with tokens, cost
 * from the real price table, latency, status and attributes, the way the SDK records them.
 */
export class TraceBuilder {
  readonly spans: Span[] = [];
  readonly traceId: string;

  constructor(
    private readonly r: Rand,
    private readonly price: Pricer,
    private readonly cond: Conditions,
    private readonly caller: string,
    private readonly common: Attributes,
    private readonly scoreKey: string,
    /** The user and conversation every span of the trace carries. */
    private readonly who: Pick<Span, "session_id" | "user_id"> = { session_id: null, user_id: null },
  ) {
    this.traceId = uuid(r);
  }

  /** A step that is not a model call (retrieval, tool, the workflow's root). */
  plain(name: string, parent: Span | null, start: number, durationMs: number, attrs: Attributes = {}): Span {
    const span = this.base(name, parent, start, Math.round(durationMs), { ...this.common, ...attrs });
    this.spans.push(span);
    return span;
  }

  /** An LLM call starting at `start`; returns the span (its ended_at is where the next step starts). */
  llm(c: Call, parent: Span | null, start: number): Span {
    const r = this.r;
    const failed = r() < this.cond.errorRate(c.provider);
    const timedOut = !failed && r() < (c.reasoning ? 0.012 : 0.003);
    const status: SpanStatus = failed ? "error" : timedOut ? "timeout" : "ok";
    const perToken = 1 + Math.min(c.comp, 3000) / 600;
    let latency = logNormal(r, c.medianMs * perToken * this.cond.slowdown(c.model), 0.42);
    // A call that runs past a minute is cut off by the client: that is a timeout, not a long success.
    latency = Math.min(latency, 58_000);
    if (failed) latency = logNormal(r, 350, 0.8) * this.cond.slowdown(c.model);
    if (timedOut) latency = int(r, 30_000, 60_000);
    const comp = status === "ok" ? c.comp : 0;
    const reasoning = status === "ok" ? (c.reasoning ?? null) : c.reasoning ? 0 : null;
    const attrs: Attributes = { ...this.common, ...c.attrs };
    if (failed) attrs["error.type"] = pick(r, ERROR_TYPES[c.provider] ?? ["error"]);
    let score: number | null = null;
    if (status === "ok" && c.quality !== undefined) {
      score = Math.round(clamp(c.quality + normal(r) * 0.055, 0, 1) * 1000) / 1000;
      attrs[this.scoreKey] = score;
    }
    const span = this.base(c.name, parent, start, Math.round(latency), attrs);
    const cost = this.price({
      model: c.model,
      provider: c.provider,
      prompt_tokens: c.prompt,
      comp_tokens: comp,
      cached_tokens: c.cached ?? null,
      reasoning_tokens: reasoning,
      at: start,
    });
    Object.assign(span, {
      model: c.model,
      provider: c.provider,
      prompt_tokens: c.prompt,
      comp_tokens: comp,
      total_tokens: c.prompt + comp,
      cached_tokens: c.cached ?? null,
      reasoning_tokens: reasoning,
      cost_usd: cost,
      ttft_ms: c.streaming && status === "ok" ? Math.round(latency * (0.12 + r() * 0.2)) : null,
      status,
      eval_score: score,
    });
    this.spans.push(span);
    return span;
  }

  /** Stretches a parent (plain) span to cover its children, plus a little overhead. */
  close(span: Span, overheadMs = 5): void {
    const kids = this.spans.filter((s) => s.parent_span_id === span.span_id);
    const end = Math.max(span.ended_at, ...kids.map((k) => k.ended_at)) + overheadMs;
    span.ended_at = end;
    span.latency_ms = end - span.started_at;
    const bad = kids.find((k) => k.status !== "ok");
    if (bad) span.status = bad.status;
  }

  private base(name: string, parent: Span | null, start: number, latency: number, attributes: Attributes): Span {
    return nonLlmSpan({
      trace_id: this.traceId,
      span_id: uuid(this.r),
      parent_span_id: parent?.span_id ?? null,
      name,
      latency_ms: latency,
      status: "ok",
      caller: this.caller,
      started_at: start,
      ended_at: start + latency,
      attributes,
      ...this.who,
    });
  }
}
