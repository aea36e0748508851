import type { Score } from "../../score/types.js";
// Spans and a brute-force reference search for the store conformance suite.
import type { Span } from "../../span/types.js";
import { prng } from "../../util/random.js";
import { FILTER_FIELDS, type TraceQuery, type TraceSearchResult } from "../store.js";

/** A search with the API defaults (limit 20, offset 0) and these filters. */
export const q = (o: Partial<TraceQuery> = {}): TraceQuery => ({ limit: 20, offset: 0, ...o });

/** The trace ids of search results, in order. */
export const ids = (traces: Span[][]): string[] => traces.map((t) => t[0].trace_id);

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const MIN = 60_000;
export const DAY = 86_400_000;

let seq = 0;

/** A fresh lowercase UUID-form id, deterministic per process (tests compare values, not randomness). */
export function id(prefix = 0): string {
  seq++;
  const hex = (prefix * 1_000_000 + seq).toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

/** A complete LLM span; override any field. */
export function span(o: Partial<Span> = {}): Span {
  const started = o.started_at ?? T0;
  return {
    trace_id: id(),
    span_id: id(),
    parent_span_id: null,
    name: "summarize",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 1200,
    comp_tokens: 300,
    total_tokens: 1500,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: 0.00448,
    latency_ms: 812.5,
    ttft_ms: null,
    status: "ok",
    caller: "summarizer-service",
    started_at: started,
    ended_at: started + 813,
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: {},
    ...o,
  };
}

const MODELS = ["gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash"];
const PROVIDERS = ["openai", "anthropic", "google"];
const CALLERS = ["api", "worker", null];
const STATUSES = ["ok", "ok", "ok", "error", "timeout"] as const;
const WORKFLOWS = ["chat", "rag", "eval"];

/**
 * Traces of 1–4 spans spread over ~40 days; children may start before their root and
 * carry other filter values, so "trace start" and "matching span" differ.
 */
export function randomTraces(seed: number, traces: number): Span[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: Span[] = [];
  for (let t = 0; t < traces; t++) {
    const trace = id(seed);
    const start = T0 - Math.floor(r() * 40 * DAY);
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const m = Math.floor(r() * MODELS.length);
      const attrs: Span["attributes"] = { workflow: pick(WORKFLOWS), n: Math.floor(r() * 3) };
      if (r() < 0.5) attrs.flag = r() < 0.5;
      // Rare enough (~40 spans) for a driver's rare-value path, if it has one.
      if (r() < 0.04) attrs.rare = "yes";
      out.push(
        span({
          trace_id: trace,
          model: MODELS[m],
          provider: PROVIDERS[m],
          caller: pick(CALLERS),
          status: pick(STATUSES),
          started_at: start + Math.floor((r() - 0.3) * 3 * 3_600_000) * (i === 0 ? 0 : 1),
          attributes: attrs,
        }),
      );
    }
  }
  return out;
}

function matches(s: Span, q: TraceQuery): boolean {
  for (const f of FILTER_FIELDS) if (q[f] !== undefined && s[f] !== q[f]) return false;
  if (q.since !== undefined && s.started_at <= q.since) return false;
  if (q.until !== undefined && s.started_at >= q.until) return false;
  return Object.entries(q.attrs ?? {}).every(
    ([k, v]) => Object.hasOwn(s.attributes, k) && String(s.attributes[k]) === v,
  );
}

const byStart = (a: Span, b: Span) => a.started_at - b.started_at || (a.span_id < b.span_id ? -1 : 1);

/** What searchTraces must return, computed the slow obvious way. */
export function referenceSearch(all: Span[], q: TraceQuery): TraceSearchResult {
  const traces = new Map<string, Span[]>();
  for (const s of all) traces.set(s.trace_id, [...(traces.get(s.trace_id) ?? []), s]);
  const hits = [...traces.entries()]
    .filter(([, spans]) => spans.some((s) => matches(s, q)))
    .map(([tid, spans]) => ({ tid, spans: [...spans].sort(byStart) }))
    .filter(
      (h) =>
        q.after === undefined ||
        h.spans[0].started_at < q.after.start ||
        (h.spans[0].started_at === q.after.start && h.tid < q.after.traceId),
    )
    .sort((a, b) => b.spans[0].started_at - a.spans[0].started_at || (a.tid < b.tid ? 1 : -1));
  return {
    traces: hits.slice(q.offset, q.offset + q.limit).map((h) => h.spans),
    hasMore: hits.length > q.offset + q.limit,
  };
}

let scoreSeq = 0;

/** A score on a new trace; override any field. */
export function scoreRow(o: Partial<Score> = {}): Score {
  scoreSeq++;
  return {
    score_id: `score-${String(scoreSeq).padStart(6, "0")}`,
    trace_id: id(),
    span_id: null,
    name: "helpfulness",
    value: 0.75,
    label: null,
    comment: null,
    source: "api",
    created_at: T0,
    ...o,
  };
}
