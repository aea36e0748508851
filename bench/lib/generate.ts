// Deterministic generator of realistic, already-normalised spans for benchmarks and
// fixtures. Same (count, from, to, seed) → same spans, byte for byte.
import type { Attributes, Span, SpanStatus } from "../../src/span/types.js";
import { prng, type Rand } from "../../src/util/random.js";

export { prng };

export interface GenerateOptions {
  /** Exact number of spans produced. */
  count: number;
  /** Epoch ms: spans start in [from, to), spread evenly with jitter, in ascending trace order. */
  from: number;
  to: number;
  seed?: number;
}

interface ModelSpec {
  model: string;
  provider: string;
  weight: number;
  // Prices in USD per million tokens (input, output).
  input: number;
  output: number;
  medianMs: number;
  reasoning?: boolean;
}

export const MODELS: readonly ModelSpec[] = [
  { model: "gpt-4o", provider: "openai", weight: 18, input: 2.5, output: 10, medianMs: 900 },
  { model: "gpt-4o-mini", provider: "openai", weight: 22, input: 0.15, output: 0.6, medianMs: 550 },
  { model: "o3-mini", provider: "openai", weight: 6, input: 1.1, output: 4.4, medianMs: 4000, reasoning: true },
  { model: "gpt-4.1", provider: "openai", weight: 6, input: 2, output: 8, medianMs: 1000 },
  { model: "claude-sonnet-4-5", provider: "anthropic", weight: 14, input: 3, output: 15, medianMs: 1400 },
  { model: "claude-haiku-4-5", provider: "anthropic", weight: 10, input: 1, output: 5, medianMs: 600 },
  { model: "claude-opus-4-1", provider: "anthropic", weight: 2, input: 15, output: 75, medianMs: 2500 },
  { model: "gemini-2.5-flash", provider: "google", weight: 12, input: 0.3, output: 2.5, medianMs: 500 },
  { model: "gemini-2.5-pro", provider: "google", weight: 5, input: 1.25, output: 10, medianMs: 2200, reasoning: true },
  { model: "gemini-2.0-flash-lite", provider: "google", weight: 5, input: 0.075, output: 0.3, medianMs: 350 },
];

export const CALLERS = [
  "summarizer-service",
  "chat-api",
  "search-ranker",
  "support-bot",
  "doc-ingest",
  "code-review",
  "billing-assistant",
  "eval-runner",
] as const;

export const WORKFLOWS = [
  "summarize",
  "chat",
  "rerank",
  "classify",
  "extract",
  "translate",
  "qa",
  "draft-reply",
  "code-review",
  "embed-query",
  "moderate",
  "plan",
] as const;

export const USER_COUNT = 5000;

function hex(r: Rand, digits: number): string {
  let s = "";
  while (s.length < digits)
    s += Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return s.slice(0, digits);
}

function uuid(r: Rand): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[Math.floor(r() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}

function normal(r: Rand): number {
  // Box-Muller; 1 - r() keeps log away from 0.
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function logNormal(r: Rand, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(r));
}

const TOTAL_WEIGHT = MODELS.reduce((s, m) => s + m.weight, 0);

function pickModel(r: Rand): ModelSpec {
  let x = r() * TOTAL_WEIGHT;
  for (const m of MODELS) {
    x -= m.weight;
    if (x < 0) return m;
  }
  return MODELS[MODELS.length - 1];
}

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

/** Cost with at most 12 decimal places, as the store keeps it (DECIMAL(18, 12)). */
function cost(m: ModelSpec, prompt: number, cached: number, comp: number): number {
  const usd = ((prompt - cached) * m.input + cached * m.input * 0.5 + comp * m.output) / 1e6;
  return Number(usd.toFixed(12));
}

/** What the spans of one trace share: one request of one user through one service. */
interface TraceCtx {
  traceId: string;
  caller: string;
  workflow: string;
  userId: string;
  seed: number;
}

function llmSpan(r: Rand, t: TraceCtx, parent: string | null, start: number, seq: number): Span {
  const m = pickModel(r);
  const { caller, workflow, seed } = t;
  const prompt = Math.max(1, Math.round(logNormal(r, 900, 1.0)));
  const comp = Math.max(1, Math.round(logNormal(r, 220, 0.9)));
  const cached = r() < 0.3 ? Math.floor(prompt * r() * 0.8) : null;
  const reasoning = m.reasoning ? Math.floor(comp * (0.3 + 0.6 * r())) : null;
  const roll = r();
  const status: SpanStatus = roll < 0.02 ? "error" : roll < 0.025 ? "timeout" : "ok";
  let latency = Math.round(logNormal(r, m.medianMs, 0.6) * 10) / 10;
  if (status === "timeout") latency = 30000 + Math.round(r() * 30000);
  if (status === "error") latency = Math.round(latency * 0.3 * 10) / 10;
  const streamed = status === "ok" && r() < 0.5;
  const ttft = streamed ? Math.round(Math.min(latency, logNormal(r, m.medianMs * 0.25, 0.5)) * 10) / 10 : null;
  const attributes: Attributes = {
    workflow,
    request_id: `req-${seed.toString(16)}-${seq.toString(16).padStart(8, "0")}`,
  };
  let evalScore: number | null = null;
  if (r() < 0.6) {
    evalScore = Math.round(Math.min(1, Math.max(0, 0.82 + 0.12 * normal(r))) * 100) / 100;
    attributes["eval.score"] = evalScore;
  }
  if (r() < 0.1) attributes.stream = streamed;
  if (r() < 0.05) attributes.retry_count = 1 + Math.floor(r() * 3);
  const priced = r() >= 0.01;
  return {
    trace_id: t.traceId,
    span_id: hex(r, 16),
    parent_span_id: parent,
    name: parent === null ? workflow : `${workflow}.step`,
    model: m.model,
    provider: m.provider,
    prompt_tokens: prompt,
    comp_tokens: comp,
    total_tokens: prompt + comp,
    cached_tokens: cached,
    reasoning_tokens: reasoning,
    cost_usd: priced ? cost(m, prompt, cached ?? 0, comp) : null,
    latency_ms: latency,
    ttft_ms: ttft,
    status,
    caller,
    started_at: start,
    ended_at: start + Math.round(latency),
    eval_score: evalScore,
    session_id: null,
    user_id: t.userId,
    attributes,
  };
}

/**
 * Yields exactly `count` spans in traces of 1–4 spans (children point at the root),
 * trace starts ascending over [from, to).
 *
 * @example [...generateSpans({ count: 10, from: 0, to: 3_600_000, seed: 1 })]
 */
export function* generateSpans(o: GenerateOptions): Iterable<Span> {
  const seed = o.seed ?? 42;
  const r = prng(seed);
  const span = o.to - o.from;
  let produced = 0;
  while (produced < o.count) {
    const size = Math.min(o.count - produced, 1 + Math.floor(r() * r() * 4));
    const step = span / o.count;
    const start = Math.min(o.to - 1, o.from + Math.floor(produced * step + r() * step * size));
    const ctx: TraceCtx = {
      traceId: uuid(r),
      caller: pick(r, CALLERS),
      workflow: pick(r, WORKFLOWS),
      userId: `user-${String(Math.floor(r() * USER_COUNT)).padStart(4, "0")}`,
      seed,
    };
    const root = llmSpan(r, ctx, null, start, produced++);
    yield root;
    let t = start + Math.floor(r() * 50);
    for (let i = 1; i < size; i++) {
      const child = llmSpan(r, ctx, root.span_id, Math.min(o.to - 1, t), produced++);
      yield child;
      t = child.ended_at + Math.floor(r() * 20);
    }
  }
}
