// The seed page's GET /metrics examples, key for key, after POSTing the seed's example span.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { type RunningServer, startServer } from "../../src/server/listen.js";
import { SEED_SPAN } from "../../src/span/testing/seed.js";

const NOW = Date.UTC(2026, 2, 15, 15, 0, 0);

let server: RunningServer;
const getJson = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  assert.equal(res.status, 200, path);
  assert.match(String(res.headers.get("content-type")), /^application\/json/);
  return (await res.json()) as Record<string, unknown>;
};

before(async () => {
  const base = structuredClone(DEFAULT_CONFIG);
  server = await startServer(
    {
      ...base,
      http_server: { ...base.http_server, addr: "127.0.0.1:0" },
      storage: { ...base.storage, driver: "memory" },
    },
    { now: () => NOW },
  );
  const res = await fetch(`${server.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([SEED_SPAN]),
  });
  assert.equal(res.status, 202);
});
after(() => server?.close());

test("GET /metrics: the seed's keys with the seed span's figures", async () => {
  const body = await getJson("/metrics");
  assert.deepEqual(Object.keys(body).slice(0, 7), [
    "window",
    "span_count",
    "cost",
    "tokens",
    "latency",
    "errors",
    "quality",
  ]);
  assert.equal(body.window, "1h");
  assert.equal(body.span_count, 1);
  assert.deepEqual(pick(body.cost, ["total_usd", "per_call_usd", "by_model"]), {
    total_usd: 0.00448,
    per_call_usd: 0.00448,
    by_model: { "gpt-4o": 0.00448 },
  });
  assert.deepEqual(pick(body.tokens, ["prompt_total", "completion_total", "total"]), {
    prompt_total: 512,
    completion_total: 128,
    total: 640,
  });
  assert.deepEqual(pick(body.latency, ["p50_ms", "p95_ms", "p99_ms"]), { p50_ms: 1240, p95_ms: 1240, p99_ms: 1240 });
  assert.deepEqual(pick(body.errors, ["rate", "count"]), { rate: 0, count: 0 });
  assert.deepEqual(pick(body.quality, ["score_avg", "score_p10", "scored_span_count"]), {
    score_avg: 0.87,
    score_p10: 0.87,
    scored_span_count: 1,
  });
});

test("GET /metrics/cost?window=24h: the seed's example shape", async () => {
  const body = await getJson("/metrics/cost?window=24h");
  assert.deepEqual(pick(body, ["window", "total_usd", "per_call_usd", "by_model", "span_count"]), {
    window: "24h",
    total_usd: 0.00448,
    per_call_usd: 0.00448,
    by_model: { "gpt-4o": 0.00448 },
    span_count: 1,
  });
});

test("GET /metrics/latency?window=1h&groupby=model: by_model with p50/p95/p99 per model", async () => {
  const body = await getJson("/metrics/latency?window=1h&groupby=model");
  assert.deepEqual(Object.keys(body), ["window", "by_model"]);
  assert.equal(body.window, "1h");
  const byModel = body.by_model as Record<string, unknown>;
  assert.deepEqual(Object.keys(byModel), ["gpt-4o"]);
  assert.deepEqual(pick(byModel["gpt-4o"], ["p50_ms", "p95_ms", "p99_ms"]), {
    p50_ms: 1240,
    p95_ms: 1240,
    p99_ms: 1240,
  });
});

test("GET /metrics/{name} for the seed's example names: cost, latency, quality, error_rate", async () => {
  for (const name of ["cost", "latency", "quality", "error_rate"])
    assert.equal((await getJson(`/metrics/${name}`)).window, "1h");
});

function pick(obj: unknown, keys: string[]): Record<string, unknown> {
  const o = obj as Record<string, unknown>;
  for (const k of keys) assert.ok(k in o, `key ${k} missing`);
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
