// Property test of rollups: a store that reads rollups must answer exactly as the scanning
// memory store does, over random spans with late arrivals, retention cuts and windows that
// start and end inside buckets.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span, SpanStatus } from "../../span/types.js";
import { prng, type Rand } from "../../util/random.js";
import { MemoryStore } from "../memory/memory-store.js";
import type { Dimensions } from "../rollup/dimensions.js";
import { LATENCY_LE, QUALITY_LE } from "../rollup/fields.js";
import { DAY_MS, HOUR_MS } from "../rollup/plan.js";
import type { GroupBy, SpanFilter, Store, SummaryQuery, SummaryRow } from "../store.js";

/** Opens an empty store of the driver with these declared dimensions. */
export type OpenRollupStore = (dimensions: Dimensions) => Promise<{ store: Store; cleanup(): Promise<void> }>;

const T0 = Date.UTC(2026, 2, 1);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const MODELS = ["gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash"];
const CALLERS = ["api", "worker", null];
const STATUSES: SpanStatus[] = ["ok", "ok", "ok", "error", "timeout"];
const WORKFLOWS = ["chat", "summarize", "rerank", "qa"];

export function randomSpan(r: Rand, n: number, from: number, to: number): Span {
  const started = from + Math.floor(r() * (to - from));
  const model = r() < 0.05 ? null : pick(r, MODELS);
  const prompt = Math.floor(r() * 5000);
  const comp = Math.floor(r() * 800);
  const score = r() < 0.5 ? Math.round(r() * 100) / 100 : null;
  const latency = Math.round(Math.exp(4 + r() * 5) * 10) / 10;
  const attributes: Span["attributes"] = {};
  if (r() < 0.8) attributes.workflow = pick(r, WORKFLOWS);
  if (r() < 0.5) attributes.user = `u${Math.floor(r() * 30)}`;
  if (score !== null) attributes["eval.score"] = score;
  // 40 users, 80 conversations: far past the dimension cap of an hour, and a third of spans without
  const user_id = r() < 0.7 ? `user-${Math.floor(r() * 40)}` : null;
  const session_id = r() < 0.6 ? `s${Math.floor(r() * 80)}` : null;
  return {
    trace_id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`,
    span_id: n.toString(16).padStart(16, "0"),
    parent_span_id: null,
    name: "call",
    model,
    provider: model === null ? null : r() < 0.1 ? null : model.split("-")[0],
    prompt_tokens: prompt,
    comp_tokens: comp,
    total_tokens: prompt + comp,
    cached_tokens: r() < 0.3 ? Math.floor(prompt / 3) : null,
    reasoning_tokens: r() < 0.2 ? Math.floor(comp / 2) : null,
    // At most 12 decimals, as every store keeps costs.
    cost_usd: r() < 0.1 ? null : Number((r() * 0.05).toFixed(12)),
    latency_ms: latency,
    ttft_ms: r() < 0.4 ? Math.round(latency * r() * 10) / 10 : null,
    status: pick(r, STATUSES),
    caller: pick(r, CALLERS),
    started_at: started,
    ended_at: started + Math.ceil(latency),
    eval_score: score,
    session_id,
    user_id,
    attributes,
  };
}

const INTS = [
  "span_count",
  "unpriced_count",
  "prompt_tokens",
  "comp_tokens",
  "total_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "error_count",
  "timeout_count",
  "scored_count",
] as const;
const MEASURES = [
  "latency_p50",
  "latency_p95",
  "latency_p99",
  "latency_avg",
  "latency_max",
  "ttft_p50",
  "ttft_p95",
  "quality_avg",
  "quality_p10",
] as const;

function close(a: number | null, b: number | null, what: string): void {
  if (a === null || b === null) {
    assert.equal(a, b, what);
    return;
  }
  // Float sums in another order differ in the last bits; shown figures are rounded far above.
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function sameRows(got: SummaryRow[], want: SummaryRow[], label: string): void {
  const key = (r: SummaryRow) => `${r.bucket}|${r.group}`;
  assert.deepEqual(got.map(key), want.map(key), `${label}: rows`);
  want.forEach((w, i) => {
    const g = got[i];
    const at = `${label} [${key(w)}]`;
    for (const f of INTS) assert.equal(g[f], w[f], `${at} ${f}`);
    // Exact decimal sums on both sides: equal to the last digit, not approximately.
    assert.equal(g.cost_usd, w.cost_usd, `${at} cost_usd`);
    for (const f of MEASURES) close(g[f], w[f], `${at} ${f}`);
  });
}

/** The queries compared after each step: windows mid-bucket, every group-by, filters, series. */
function queries(r: Rand, t0: number, lo: number, hi: number, dims: string[]): SummaryQuery[] {
  const out: SummaryQuery[] = [];
  const groups: (GroupBy | undefined)[] = [
    undefined,
    { column: "model" },
    { column: "caller" },
    { column: "status" },
    { column: "provider" },
    { attr: "workflow" },
    { column: "user_id" },
    { column: "session_id" },
    { column: "user_id", keep: ["user-1", "user-2", "(none)"] },
    ...dims.map((d) => ({ attr: d })),
  ];
  const filters: SpanFilter[] = [
    {},
    { model: "gpt-4o" },
    { caller: "api", status: "ok" },
    { provider: "openai" },
    { attrs: { workflow: "chat" } },
    { user_id: "user-3" },
    { session_id: "s7", model: "gpt-4o" },
    ...dims.map((d) => ({ attrs: { [d]: "u3" } })),
    ...dims.map((d) => ({ user_id: "user-5", attrs: { [d]: "(other)" } })),
    ...dims.map((d) => ({ model: "gpt-4o", attrs: { [d]: "(other)" } })),
  ];
  for (let i = 0; i < 14; i++) {
    const a = lo + Math.floor(r() * (hi - lo));
    const b = a + 1 + Math.floor(r() * (hi - a));
    const step = pick(r, [undefined, undefined, 15 * 60_000, HOUR_MS, 6 * HOUR_MS, DAY_MS]);
    const exactLimit = pick(r, [undefined, 20]);
    out.push({ from: a, to: b, filter: pick(r, filters), groupBy: pick(r, groups), stepMs: step, exactLimit });
  }
  // The whole range, whole days, and an exact hour: every piece of the plan appears.
  out.push({ from: lo, to: hi, filter: {} }, { from: lo, to: hi, filter: {}, exactLimit: 50 });
  out.push({ from: t0 + DAY_MS, to: t0 + 2 * DAY_MS, filter: {}, groupBy: { column: "model" }, exactLimit: 20 });
  out.push({ from: t0 + 5 * HOUR_MS, to: t0 + 6 * HOUR_MS, filter: {} });
  // Users and sessions (read from spans) over whole days and grouped, past the dimension cap
  out.push({ from: lo, to: hi, filter: {}, groupBy: { column: "user_id" }, exactLimit: 20 });
  out.push({ from: t0, to: t0 + DAY_MS, filter: { user_id: "user-7" }, stepMs: HOUR_MS });
  out.push({ from: lo, to: hi, filter: { caller: "api" }, groupBy: { column: "session_id" } });
  return out;
}

export async function compare(store: Store, memory: Store, qs: SummaryQuery[], label: string): Promise<void> {
  for (const [i, q] of qs.entries()) {
    sameRows(await store.summarize(q), await memory.summarize(q), `${label} query ${i} ${JSON.stringify(q)}`);
  }
  // Prometheus counters: every span ever stored, retention included (they never decrease).
  const bounds = { latencyBucketsMs: [...LATENCY_LE], qualityBuckets: [...QUALITY_LE] };
  const [got, want] = [await store.exposition(bounds), await memory.exposition(bounds)];
  assert.deepEqual(
    got.map(({ latency_sum, quality_sum, ...exact }) => exact),
    want.map(({ latency_sum, quality_sum, ...exact }) => exact),
    `${label} exposition`,
  );
  for (const [i, g] of got.entries()) {
    close(g.latency_sum, want[i].latency_sum, `${label} exposition latency_sum`);
    close(g.quality_sum, want[i].quality_sum, `${label} exposition quality_sum`);
  }
}

/**
 * A store that keeps some sketch bins for later (the DuckDB store bins the open hour when it
 * is over): `settle` makes it bin every bucket that ends by `through`, as time passing would.
 */
export type Settle = (store: Store, through: number) => Promise<void>;

/**
 * Registers the rollup property test for one driver. Seeded: a failure names its seed and
 * reproduces. Spans arrive in batches out of time order (late spans land in buckets already
 * rolled up), then retention cuts inside an hour, then more late spans arrive. With `settle`,
 * the same runs again on days still to come (nothing binned at ingest yet), settling in
 * between: bins built later must answer as bins built at ingest.
 */
export function rollupConformance(name: string, open: OpenRollupStore, seeds = [1, 2, 3], settle?: Settle): void {
  for (const seed of seeds) {
    test(`${name} rollups equal a scan (seed ${seed})`, () => propertyRun(open, seed, T0));
    if (settle === undefined) continue;
    const later = Math.ceil(Date.now() / DAY_MS) * DAY_MS + DAY_MS;
    test(`${name} rollups equal a scan while bins settle (seed ${seed})`, () => propertyRun(open, seed, later, settle));
  }
}

async function propertyRun(open: OpenRollupStore, seed: number, t0: number, settle?: Settle): Promise<void> {
  // A cap of 6 users an hour: with 30 users, "(other)" folding happens in most hours.
  const dimensions: Dimensions = { names: ["user"], maxValues: 6 };
  const dims = [...dimensions.names];
  const { store, cleanup } = await open(dimensions);
  const memory = new MemoryStore(dimensions);
  try {
    const r = prng(seed);
    const end = t0 + 3 * DAY_MS;
    let n = seed * 1_000_000;
    const batch = (count: number, from: number, to: number) =>
      Array.from({ length: count }, () => randomSpan(r, n++, from, to));
    const both = async (spans: Span[]) => {
      await store.insert(spans);
      await memory.insert(spans);
    };
    for (let i = 0; i < 6; i++) await both(batch(150, t0, end));
    await compare(store, memory, queries(r, t0, t0 - HOUR_MS, end + HOUR_MS, dims), "after inserts");
    // Day one and five hours of day two are over: late spans land on both sides of that.
    await settle?.(store, t0 + DAY_MS + 5 * HOUR_MS);
    await both(batch(150, t0, end));
    await compare(store, memory, queries(r, t0, t0 - HOUR_MS, end + HOUR_MS, dims), "after settling");
    const cut = t0 + DAY_MS + 7 * HOUR_MS + 1234;
    assert.equal(await store.deleteBefore(cut), await memory.deleteBefore(cut));
    await both(batch(200, t0 + DAY_MS, end));
    await compare(store, memory, queries(r, t0, t0, end + HOUR_MS, dims), "after retention");
    await settle?.(store, end + HOUR_MS);
    await compare(store, memory, queries(r, t0, t0, end + HOUR_MS, dims), "all settled");
  } finally {
    await memory.close();
    await cleanup();
  }
}
