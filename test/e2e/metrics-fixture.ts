// Shared by the metrics e2e tests: spans with hand-picked figures, and a real server
// (memory or DuckDB store) on a fixed clock with those spans POSTed.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { makeTempDir, removeDir } from "./helpers/server.js";

export const NOW = Date.UTC(2026, 2, 15, 15, 0, 0);
export const MIN = 60_000;
export const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

/** In the last hour: A–E. Older: I (exactly 1h ago: outside 1h), F (3h), G (2 days). */
export const SPANS = [
  {
    name: "A",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 1000,
    comp_tokens: 200,
    cost_usd: 0.01,
    latency_ms: 800,
    ttft_ms: 100,
    started_at: iso(10 * MIN),
    attributes: { workflow: "summary", "eval.score": 0.9 },
  },
  {
    name: "B",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 2000,
    comp_tokens: 400,
    cost_usd: 0.02,
    latency_ms: 1200,
    ttft_ms: 300,
    status: "error",
    started_at: iso(20 * MIN),
    attributes: { workflow: "summary", "eval.score": 0.6 },
  },
  {
    name: "C",
    model: "gpt-4o-mini",
    caller: "svc-b",
    prompt_tokens: 500,
    comp_tokens: 100,
    cached_tokens: 100,
    cost_usd: 0.0003,
    latency_ms: 300,
    status: "timeout",
    started_at: iso(30 * MIN),
    attributes: { workflow: "chat" },
  },
  {
    name: "D",
    model: "claude-sonnet-4-5",
    caller: "svc-b",
    prompt_tokens: 800,
    comp_tokens: 300,
    reasoning_tokens: 50,
    cost_usd: 0.006,
    latency_ms: 2000,
    started_at: iso(50 * MIN),
    attributes: { "eval.score": 0.8, team: 'a "quoted"\\ value' },
  },
  {
    name: "E",
    model: "my-finetune",
    caller: "svc-a",
    prompt_tokens: 100,
    comp_tokens: 10,
    latency_ms: 500,
    started_at: iso(5 * MIN),
  },
  {
    name: "I",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 1,
    comp_tokens: 1,
    cost_usd: 7,
    latency_ms: 10,
    started_at: iso(60 * MIN),
  },
  {
    name: "F",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 100,
    comp_tokens: 100,
    cost_usd: 0.05,
    latency_ms: 600,
    started_at: iso(180 * MIN),
  },
  {
    name: "G",
    model: "gpt-4o",
    caller: "svc-a",
    prompt_tokens: 10,
    comp_tokens: 10,
    cost_usd: 1,
    latency_ms: 100,
    started_at: iso(2 * 24 * 60 * MIN),
  },
];

/** A server config on a free loopback port, with the driver's store in `dir`. */
export function configFor(driver: "memory" | "duckdb", dir: string): Config {
  const base = structuredClone(DEFAULT_CONFIG);
  return {
    ...base,
    http_server: { ...base.http_server, addr: "127.0.0.1:0" },
    storage: { ...base.storage, driver, path: `${dir}/spans.duckdb` },
  };
}

export const DRIVERS = ["memory", "duckdb"] as const;

export interface MetricsServer {
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** GET that must answer 200; returns the JSON body. */
  ok(path: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts tokentrace on the driver's store at NOW and POSTs SPANS through /spans. */
export async function startWithSpans(driver: (typeof DRIVERS)[number]): Promise<MetricsServer> {
  const dir = await makeTempDir();
  let server: RunningServer | undefined;
  try {
    server = await startServer(configFor(driver, dir), { now: () => NOW });
    const res = await fetch(`${server.url}/spans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(SPANS),
    });
    assert.equal(res.status, 202, await res.text());
  } catch (e) {
    await server?.close();
    await removeDir(dir);
    throw e;
  }
  const url = server.url;
  const running = server;
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  return {
    get,
    async ok(path) {
      const { status, body } = await get(path);
      assert.equal(status, 200, `${path}: ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      await running.close();
      await removeDir(dir);
    },
  };
}

/**
 * Registers before/after hooks in the current describe: the server starts (startWithSpans)
 * before its tests and stops after them. get/ok go to that server.
 */
export function useMetricsServer(driver: (typeof DRIVERS)[number]): Omit<MetricsServer, "close"> {
  let s: MetricsServer | undefined;
  before(async () => {
    s = await startWithSpans(driver);
  });
  after(() => s?.close());
  const server = (): MetricsServer => {
    if (s === undefined) throw new Error("the metrics server has not started");
    return s;
  };
  return { get: (path) => server().get(path), ok: (path) => server().ok(path) };
}
