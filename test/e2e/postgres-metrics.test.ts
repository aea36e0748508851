// The metrics API answered from PostgreSQL (rollups for whole hours and days, raw spans for the
// edges) must equal the memory store's answers to the last digit, over the metrics e2e fixture:
// every family, scalar, window, group-by, filter and series.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { SKIP_PG, scratchSchema } from "../../src/store/postgres/testing/scratch.js";
import { NOW, SPANS } from "./metrics-fixture.js";

const WINDOWS = ["1h", "6h", "24h", "7d", "30d", "90m", "2d"];
const NAMES = [
  "cost",
  "tokens",
  "latency",
  "errors",
  "error_rate",
  "quality",
  "throughput",
  "span_count",
  "total_cost",
  "cost_per_call",
  "latency_p50",
  "latency_p95",
  "latency_p99",
  "latency_avg",
  "ttft_p95",
  "error_rate",
  "timeout_rate",
  "quality_avg",
  "quality_p10",
];
const GROUPS = ["model", "caller", "provider", "status", "workflow"];

function paths(): string[] {
  const out: string[] = [];
  for (const w of WINDOWS) {
    out.push(`/metrics?window=${w}`);
    for (const g of GROUPS) out.push(`/metrics?window=${w}&groupby=${g}`);
    for (const n of NAMES) out.push(`/metrics/${n}?window=${w}`);
  }
  for (const n of NAMES) for (const g of GROUPS) out.push(`/metrics/${n}?window=30d&groupby=${g}`);
  for (const f of ["model=gpt-4o", "caller=svc-b", "status=error", "attr.workflow=summary", "provider=openai"]) {
    out.push(`/metrics?window=7d&${f}`, `/metrics/latency_p95?window=30d&${f}`, `/metrics/cost?window=1h&${f}`);
  }
  out.push(
    "/metrics/total_cost/series?window=24h&groupby=model",
    "/metrics/latency_p95/series?window=7d",
    "/metrics/span_count/series?window=6h&step=15m",
  );
  return out;
}

async function serveWithSpans(storage: Config["storage"]): Promise<RunningServer> {
  const c = structuredClone(DEFAULT_CONFIG);
  c.http_server.addr = "127.0.0.1:0";
  c.storage = storage;
  const server = await startServer(c, { now: () => NOW });
  const res = await fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(SPANS),
  });
  assert.equal(res.status, 202, await res.text());
  return server;
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe("metrics over HTTP (postgres store) equal the memory store's", { skip: SKIP_PG }, () => {
  let memory: RunningServer;
  let pg: RunningServer;
  const schema = scratchSchema();
  before(async () => {
    memory = await serveWithSpans({ driver: "memory", path: "", url: null });
    pg = await serveWithSpans({ driver: "postgres", path: "", url: schema.url });
  });
  after(async () => {
    await memory?.close();
    await pg?.close();
    await schema.drop();
  });

  test("every metrics path answers the same status and body", async () => {
    let compared = 0;
    for (const path of paths()) {
      const want = await get(`${memory.url}${path}`);
      assert.deepEqual(await get(`${pg.url}${path}`), want, path);
      if (want.status === 200) compared++;
    }
    assert.ok(compared > 250, `only ${compared} paths answered 200`);
  });

  test("GET /metrics/prometheus: the same tokentrace_ samples", async () => {
    const samples = async (url: string) =>
      (await (await fetch(`${url}/metrics/prometheus`)).text())
        .split("\n")
        .filter((l) => /^tokentrace_(spans|cost|tokens|errors|latency|quality)/.test(l));
    const want = await samples(memory.url);
    assert.ok(want.length > 10, want.join("\n"));
    assert.deepEqual(await samples(pg.url), want);
  });
});
