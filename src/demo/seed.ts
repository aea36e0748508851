import type { Pricer } from "../pricing/index.js";
import type { Span } from "../span/types.js";
import type { JsonObject, Store } from "../store/store.js";
import { demoTraces } from "./generate.js";

/** Alert rules the demo creates, as POST /alerts bodies: two fire on the demo's story, two stay quiet. */
const DEMO_RULES: JsonObject[] = [
  {
    name: "hourly-cost-spike",
    metric: "total_cost",
    op: "gt",
    threshold: 10,
    window: "1h",
    cooldown: "1h",
    delivery: { type: "log" },
  },
  {
    name: "gpt-4o-latency-p95",
    metric: "latency_p95",
    op: "gt",
    threshold: 4000,
    window: "1h",
    min_spans: 5,
    filter: { model: "gpt-4o" },
    delivery: { type: "log" },
  },
  {
    name: "error-rate",
    metric: "error_rate",
    op: "gt",
    threshold: 0.05,
    window: "1h",
    min_spans: 20,
    delivery: { type: "log" },
  },
  {
    name: "summary-quality",
    metric: "quality_avg",
    op: "lt",
    threshold: 0.82,
    window: "6h",
    min_spans: 10,
    filter: { caller: "summarizer-service" },
    delivery: { type: "log" },
  },
];

export interface SeedOptions {
  now: number;
  days?: number;
  tracesPerDay?: number;
  seed?: number;
  scoreAttribute?: string;
  price: Pricer;
  /** Saves one rule; the default stores it the way POST /alerts persists API rules. */
  saveRule?: (rule: JsonObject) => Promise<void>;
  /** Called after each committed batch with the spans inserted so far. */
  onProgress?: (spans: number) => void;
}

export interface SeedResult {
  traces: number;
  spans: number;
  costUsd: number;
  rules: string[];
}

const BATCH = 1000;

/**
 * Fills a store with the demo's traffic (default: 7 days, 2,000 traces a day) and its
 * alert rules. Inserts through the store directly, in batches, so a week loads in seconds.
 *
 * @example await seedDemo(store, { now: Date.now(), price: createPricer({}) })
 */
export async function seedDemo(store: Store, o: SeedOptions): Promise<SeedResult> {
  const result: SeedResult = { traces: 0, spans: 0, costUsd: 0, rules: [] };
  let batch: Span[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await store.insert(batch);
    result.spans += batch.length;
    batch = [];
    o.onProgress?.(result.spans);
  };
  for (const spans of demoTraces({
    now: o.now,
    days: o.days ?? 7,
    tracesPerDay: o.tracesPerDay ?? 2000,
    seed: o.seed ?? 42,
    scoreAttribute: o.scoreAttribute ?? "eval.score",
    price: o.price,
  })) {
    result.traces++;
    for (const s of spans) result.costUsd += s.cost_usd ?? 0;
    batch.push(...spans);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  // Stored the way the alerts module keeps API rules (the rule plus created_at; the id is derived on load).
  const createdAt = new Date(o.now).toISOString();
  const save =
    o.saveRule ?? ((rule: JsonObject) => store.saveAlertRule(String(rule.name), { ...rule, created_at: createdAt }));
  for (const rule of DEMO_RULES) {
    await save(rule);
    result.rules.push(String(rule.name));
  }
  return result;
}
