// Shared by the alert service tests: a service on a MemoryStore with a fake clock, an
// instant backoff sleep and captured log lines, plus loopback receivers, all cleaned up
// after each test (register runCleanups with afterEach).
import { randomUUID } from "node:crypto";
import { type Config, DEFAULT_CONFIG } from "../../config/types.js";
import type { Span } from "../../span/types.js";
import { MemoryStore } from "../../store/memory/index.js";
import { type AlertService, type AlertServiceOptions, createAlertService } from "../service.js";
import { type Answer, type Receiver, startReceiver } from "./receiver.js";

export const T0 = Date.UTC(2026, 2, 15, 15, 0, 0);
export const MIN = 60_000;

export function span(over: Partial<Span> = {}): Span {
  return {
    trace_id: randomUUID(),
    span_id: randomUUID(),
    parent_span_id: null,
    name: "call",
    model: "gpt-4o",
    provider: "openai",
    prompt_tokens: 100,
    comp_tokens: 50,
    total_tokens: 150,
    cached_tokens: null,
    reasoning_tokens: null,
    cost_usd: 4,
    latency_ms: 1000,
    ttft_ms: null,
    status: "ok",
    caller: "svc",
    started_at: T0 - 5 * MIN,
    ended_at: T0 - 5 * MIN + 1000,
    eval_score: null,
    session_id: null,
    user_id: null,
    attributes: {},
    ...over,
  };
}

const cleanups: (() => Promise<void>)[] = [];

/** Stops the services and receivers the last test started. */
export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export interface Harness {
  alerts: AlertService;
  store: MemoryStore;
  clock: { now: number };
  waits: number[];
  logs: string[];
}

export async function harness(over: Partial<AlertServiceOptions> = {}, store = new MemoryStore()): Promise<Harness> {
  const clock = { now: T0 };
  const waits: number[] = [];
  const logs: string[] = [];
  const config: Config = structuredClone(DEFAULT_CONFIG);
  // the receivers listen on loopback, which API rules may reach only through allowed_hosts;
  // example.com stands for the public receivers tests name without sending to them
  config.alerts.allowed_hosts = ["127.0.0.1", "*.example.com"];
  const alerts = await createAlertService({
    store,
    config,
    now: () => clock.now,
    codeRules: [],
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0,
    log: (l) => logs.push(l),
    warn: () => undefined,
    ...over,
  });
  cleanups.push(() => alerts.stop());
  return { alerts, store, clock, waits, logs };
}

export async function receiver(...answers: Answer[]): Promise<Receiver> {
  const r = await startReceiver(answers);
  cleanups.push(() => r.close());
  return r;
}

export const costRule = (url: string, over: Record<string, unknown> = {}) => ({
  name: "cost-spike",
  metric: "total_cost",
  op: "gt",
  threshold: 10,
  window: "1h",
  delivery: { type: "http", url: `${url}/hook` },
  ...over,
});

export async function step(h: Harness, minutes = 0): Promise<void> {
  h.clock.now += minutes * MIN;
  await h.alerts.evaluateNow();
  await h.alerts.idle();
}
