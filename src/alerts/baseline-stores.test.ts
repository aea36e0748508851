// The baseline reads on every store: an average over windows that are not aligned to the
// clock (they end at now) gives the same figures on memory, DuckDB and PostgreSQL.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DuckDbStore } from "../store/duckdb/index.js";
import { MemoryStore } from "../store/memory/index.js";
import { PostgresStore } from "../store/postgres/index.js";
import { SKIP_PG, scratchSchema } from "../store/postgres/testing/scratch.js";
import type { Store } from "../store/store.js";
import { readBaseline } from "./baseline-read.js";
import { MIN, span, T0 } from "./testing/harness.js";

const HOUR = 60 * MIN;
// a few minutes past the hour, so the windows cut across the stores' hour rollups
const NOW = T0 + 7 * MIN + 123;

const spans = [
  ...[1, 2, 3, 4, 5, 9, 13].map((h) =>
    span({ caller: "a", cost_usd: h, latency_ms: 100 * h, started_at: NOW - h * HOUR + 5 * MIN }),
  ),
  ...[2, 2, 6].map((h, i) =>
    span({ caller: "b", cost_usd: 1 + i, latency_ms: 50, started_at: NOW - h * HOUR - 3 * MIN }),
  ),
];

async function figures(store: Store) {
  await store.insert(spans);
  const q = { metric: "total_cost", windowMs: HOUR, filter: {} };
  const all = await readBaseline(store, q, { avg_over: "12h" }, NOW);
  const byCaller = await readBaseline(store, q, { avg_over: "6h" }, NOW, { column: "caller" });
  const p95 = await readBaseline(store, { ...q, metric: "latency_p95" }, { avg_over: "6h" }, NOW);
  const offset = await readBaseline(store, q, { offset: "2h" }, NOW, { column: "caller" });
  return {
    all: [...all],
    byCaller: [...byCaller].sort(),
    p95: [...p95],
    offset: [...offset].sort(),
  };
}

test("memory: the figures worked out by hand", async () => {
  const f = await figures(new MemoryStore());
  // the windows (NOW-13h, NOW-1h] hold a's spans of h = 2..13 (2+3+4+5+9+13 = 36) and all of b's
  // (1+2+3); a's h = 1 is in the current window. 42 USD over 12 windows, 9 spans.
  assert.deepEqual(f.all, [[null, { value: 42 / 12, span_count: Math.floor(9 / 12) }]]);
  assert.deepEqual(f.byCaller, [
    ["a", { value: (2 + 3 + 4 + 5) / 6, span_count: 0 }],
    ["b", { value: 6 / 6, span_count: 0 }],
  ]);
});

for (const [name, open, skip] of [
  [
    "duckdb",
    async () => ({ store: (await DuckDbStore.open(":memory:")) as Store, done: async () => undefined }),
    false,
  ],
  [
    "postgres",
    async () => {
      const s = scratchSchema();
      const store = await PostgresStore.open(s.url);
      return { store: store as Store, done: () => s.drop() };
    },
    SKIP_PG,
  ],
] as const) {
  test(`${name}: the same figures as the memory store`, { skip }, async () => {
    const { store, done } = await open();
    try {
      assert.deepEqual(await figures(store), await figures(new MemoryStore()));
    } finally {
      await store.close();
      await done();
    }
  });
}
