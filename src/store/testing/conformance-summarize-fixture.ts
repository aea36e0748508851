// The fixed data set of the summarize conformance suite and its hand-computed rows.
import assert from "node:assert/strict";
import type { Span } from "../../span/types.js";
import type { Store, SummaryQuery, SummaryRow } from "../store.js";

/** Opens a fresh, empty store of the driver under test. */
export type OpenStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

export const T0 = Date.UTC(2026, 2, 15, 14, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;

let seq = 0;
/** A complete LLM span with neutral defaults; tests override what they exercise. */
export function makeSpan(over: Partial<Span>): Span {
  seq++;
  const hex = seq.toString(16).padStart(12, "0");
  const started = over.started_at ?? T0;
  return {
    trace_id: `00000000-0000-4000-8000-${hex}`,
    span_id: `10000000-0000-4000-8000-${hex}`,
    parent_span_id: null,
    name: "call",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 0,
    comp_tokens: 0,
    total_tokens: 0,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: 0,
    latency_ms: 0,
    ttft_ms: null,
    status: "ok",
    caller: "svc-a",
    started_at: started,
    ended_at: started + Math.trunc(over.latency_ms ?? 0),
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: {},
    ...over,
  };
}

export const at = (min: number) => T0 + min * MIN;

/** The fixed data set: six LLM spans in [T0, T0+1h), plus spans that must never be counted. */
export function fixture(): Span[] {
  return [
    makeSpan({
      started_at: at(0),
      prompt_tokens: 100,
      comp_tokens: 50,
      total_tokens: 150,
      cached_tokens: 20,
      cost_usd: 0.1,
      latency_ms: 100,
      ttft_ms: 10,
      eval_score: 0.9,
      attributes: { workflow: "summary", tier: 1, "eval.score": 0.9 },
    }),
    makeSpan({
      started_at: at(5),
      prompt_tokens: 200,
      comp_tokens: 100,
      total_tokens: 300,
      cost_usd: 0.2,
      latency_ms: 200,
      ttft_ms: 20,
      status: "error",
      eval_score: 0.5,
      attributes: { workflow: "summary" },
    }),
    makeSpan({
      started_at: at(10),
      model: "gpt-4o-mini",
      caller: "svc-b",
      prompt_tokens: 10,
      comp_tokens: 5,
      total_tokens: 15,
      cached_tokens: 0,
      reasoning_tokens: 3,
      cost_usd: 0.000001,
      latency_ms: 300,
      status: "timeout",
      attributes: { workflow: "chat" },
    }),
    makeSpan({
      started_at: at(20),
      model: "claude-x",
      provider: "anthropic",
      caller: null,
      prompt_tokens: 1000,
      total_tokens: 1000,
      cost_usd: null,
      latency_ms: 400,
      ttft_ms: 40,
      eval_score: 1,
      attributes: { 'a"b\\c': "q", tier: 2 },
    }),
    makeSpan({
      started_at: at(30),
      caller: "svc-b",
      prompt_tokens: 50,
      comp_tokens: 50,
      total_tokens: 100,
      cached_tokens: 10,
      reasoning_tokens: 5,
      cost_usd: 0.3,
      latency_ms: 1000,
      attributes: { workflow: "chat", flag: true },
    }),
    makeSpan({
      started_at: T0 + HOUR - 1,
      model: "gpt-4o-mini",
      prompt_tokens: 1,
      comp_tokens: 1,
      total_tokens: 2,
      cost_usd: 0.000002,
      latency_ms: 50,
      ttft_ms: 5,
      eval_score: 0.7,
    }),
    // Outside [T0, T0+1h): one millisecond before, exactly at the end.
    makeSpan({ started_at: T0 - 1, cost_usd: 5, latency_ms: 9999, prompt_tokens: 7, total_tokens: 7 }),
    makeSpan({ started_at: T0 + HOUR, cost_usd: 5, latency_ms: 9999, prompt_tokens: 7, total_tokens: 7 }),
    // Not an LLM call (OTLP span without a model): never counted.
    makeSpan({
      started_at: at(15),
      model: null,
      provider: null,
      cost_usd: null,
      latency_ms: 77,
      attributes: { workflow: "chat" },
    }),
  ];
}

export const EMPTY: Omit<SummaryRow, "group" | "bucket"> = {
  span_count: 0,
  cost_usd: 0,
  unpriced_count: 0,
  prompt_tokens: 0,
  comp_tokens: 0,
  total_tokens: 0,
  cached_tokens: 0,
  reasoning_tokens: 0,
  error_count: 0,
  timeout_count: 0,
  latency_p50: null,
  latency_p95: null,
  latency_p99: null,
  latency_avg: null,
  latency_max: null,
  ttft_p50: null,
  ttft_p95: null,
  quality_avg: null,
  quality_p10: null,
  scored_count: 0,
};

/** The whole window, worked out by hand (see the comments for the percentile positions). */
export const TOTAL: SummaryRow = {
  group: null,
  bucket: null,
  span_count: 6,
  cost_usd: 0.600003,
  unpriced_count: 1,
  prompt_tokens: 1361,
  comp_tokens: 206,
  total_tokens: 1567,
  cached_tokens: 30,
  reasoning_tokens: 8,
  error_count: 2,
  timeout_count: 1,
  // latencies 50 100 200 300 400 1000: p50 at 2.5 → 250; p95 at 4.75 → 400+600*.75; p99 at 4.95 → 400+600*.95
  latency_p50: 250,
  latency_p95: 850,
  latency_p99: 970,
  latency_avg: 2050 / 6,
  latency_max: 1000,
  // ttft 5 10 20 40: p50 at 1.5 → 15; p95 at 2.85 → 20+20*.85
  ttft_p50: 15,
  ttft_p95: 37,
  // scores .5 .7 .9 1: avg 3.1/4; p10 at 0.3 → .5+.2*.3
  quality_avg: 0.775,
  quality_p10: 0.56,
  scored_count: 4,
};

export const BY_MODEL: SummaryRow[] = [
  {
    group: "claude-x",
    bucket: null,
    span_count: 1,
    cost_usd: 0,
    unpriced_count: 1,
    prompt_tokens: 1000,
    comp_tokens: 0,
    total_tokens: 1000,
    cached_tokens: 0,
    reasoning_tokens: 0,
    error_count: 0,
    timeout_count: 0,
    latency_p50: 400,
    latency_p95: 400,
    latency_p99: 400,
    latency_avg: 400,
    latency_max: 400,
    ttft_p50: 40,
    ttft_p95: 40,
    quality_avg: 1,
    quality_p10: 1,
    scored_count: 1,
  },
  // latencies 100 200 1000: p95 at 1.9 → 200+800*.9; p99 at 1.98 → 200+800*.98; ttft 10 20: p95 at .95
  {
    group: "gpt-4o",
    bucket: null,
    span_count: 3,
    cost_usd: 0.6,
    unpriced_count: 0,
    prompt_tokens: 350,
    comp_tokens: 200,
    total_tokens: 550,
    cached_tokens: 30,
    reasoning_tokens: 5,
    error_count: 1,
    timeout_count: 0,
    latency_p50: 200,
    latency_p95: 920,
    latency_p99: 984,
    latency_avg: 1300 / 3,
    latency_max: 1000,
    ttft_p50: 15,
    ttft_p95: 19.5,
    quality_avg: 0.7,
    quality_p10: 0.54,
    scored_count: 2,
  },
  {
    group: "gpt-4o-mini",
    bucket: null,
    span_count: 2,
    cost_usd: 0.000003,
    unpriced_count: 0,
    prompt_tokens: 11,
    comp_tokens: 6,
    total_tokens: 17,
    cached_tokens: 0,
    reasoning_tokens: 3,
    error_count: 1,
    timeout_count: 1,
    latency_p50: 175,
    latency_p95: 287.5,
    latency_p99: 297.5,
    latency_avg: 175,
    latency_max: 300,
    ttft_p50: 5,
    ttft_p95: 5,
    quality_avg: 0.7,
    quality_p10: 0.7,
    scored_count: 1,
  },
];

/** Compares every field; statistics to 1e-9 (drivers may sum floats in another order). */
export function assertRow(actual: SummaryRow | undefined, expected: SummaryRow, label = ""): void {
  assert.ok(actual, `${label}: row missing`);
  for (const key of Object.keys(expected) as (keyof SummaryRow)[]) {
    const a: unknown = actual[key];
    const e: unknown = expected[key];
    if (typeof e === "number" && typeof a === "number") {
      assert.ok(Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `${label} ${key}: got ${a}, want ${e}`);
    } else {
      assert.equal(a, e, `${label} ${key}`);
    }
  }
}

export function partial(group: string | null, bucket: number | null, fields: Partial<SummaryRow>): SummaryRow {
  return { ...TOTAL, group, bucket, ...fields };
}

/** [group, span_count, cost_usd, error_count] per group. */
export function assertGroups(rows: SummaryRow[], want: [string, number, number, number][], label: string): void {
  assert.deepEqual(rows.map((r) => r.group).sort(), want.map((w) => w[0]).sort(), `${label}: groups`);
  for (const [g, count, cost, errors] of want) {
    const r = rows.find((x) => x.group === g);
    assert.equal(r?.span_count, count, `${label} ${g}: span_count`);
    assert.ok(Math.abs((r?.cost_usd ?? -1) - cost) < 1e-12, `${label} ${g}: cost ${r?.cost_usd} want ${cost}`);
    assert.equal(r?.error_count, errors, `${label} ${g}: error_count`);
    assert.equal(r?.bucket, null);
  }
}

/** Runs `fn` on a store opened with `open` and holding `spans`; `window` is the fixture's hour. */
export function summaryHarness(open: OpenStore) {
  return {
    async withData(spans: Span[], fn: (store: Store) => Promise<void>): Promise<void> {
      const { store, cleanup } = await open();
      try {
        await store.insert(spans);
        await fn(store);
      } finally {
        await cleanup();
      }
    },
    window: (over: Partial<SummaryQuery> = {}): SummaryQuery => ({ from: T0, to: T0 + HOUR, filter: {}, ...over }),
  };
}
