// Issue 12, point 5: `groupby` had no cardinality cap; 10k distinct values made a 360 MB
// series answer (RSS 3.15 GB). Now a grouped answer names at most metrics.max_groups groups
// (max_series_groups for a series), the largest by span count, and folds the rest into
// "(other)", saying so. Over HTTP, on the memory, DuckDB and PostgreSQL stores.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { testConfig } from "../../src/config/testing/config.js";
import { DEFAULT_CONFIG } from "../../src/config/types.js";
import { startServer } from "../../src/server/index.js";
import { DuckDbStore } from "../../src/store/duckdb/driver.js";
import { MemoryStore } from "../../src/store/memory/index.js";
import { openScratch, SKIP_PG } from "../../src/store/postgres/testing/scratch.js";
import type { Store } from "../../src/store/store.js";

const SINGLES = 10_000;
const BIG = 25; // users big-01..big-25; big-i has i + 1 spans

function spans(now: number): Record<string, unknown>[] {
  const at = new Date(now - 600_000).toISOString();
  const one = (user: string, latency: number) => ({
    model: "gpt-4o",
    prompt_tokens: 1,
    cost_usd: 0.001,
    latency_ms: latency,
    started_at: at,
    attributes: { user },
  });
  const out = Array.from({ length: SINGLES }, (_, i) => one(`u${String(i).padStart(5, "0")}`, 100));
  for (let i = 1; i <= BIG; i++) {
    for (let k = 0; k <= i; k++) out.push(one(`big-${String(i).padStart(2, "0")}`, 1000));
  }
  return out;
}

async function get(url: string): Promise<{ text: string; body: Record<string, unknown> }> {
  const res = await fetch(url);
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  return { text, body: JSON.parse(text) };
}

function capTest(name: string, skip: string | false, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>) {
  test(`finding: groupby over 10,000 distinct values names at most max_groups groups, the rest in (other), truncated (${name})`, {
    skip,
  }, async () => {
    const { store, cleanup } = await open();
    const server = await startServer(testConfig(), { store });
    try {
      const all = spans(Date.now());
      for (let i = 0; i < all.length; i += 1000) {
        const r = await fetch(`${server.url}/spans`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(all.slice(i, i + 1000)),
        });
        assert.equal(r.status, 202);
      }
      const total = all.length;
      const groupsTotal = SINGLES + BIG;
      const maxGroups = DEFAULT_CONFIG.metrics.max_groups;
      const maxSeries = DEFAULT_CONFIG.metrics.max_series_groups;

      // a scalar per group: the max_groups largest named, every other span in (other)
      const scalar = (await get(`${server.url}/metrics/span_count?window=1h&groupby=attr.user`)).body;
      const by = scalar.by_user as Record<string, number>;
      assert.equal(Object.keys(by).length, maxGroups + 1);
      for (let i = 1; i <= BIG; i++) assert.equal(by[`big-${String(i).padStart(2, "0")}`], i + 1);
      const namedSingles = maxGroups - BIG; // ties (one span each) go by name
      assert.equal(by.u00000, 1);
      assert.equal(by[`u${String(namedSingles - 1).padStart(5, "0")}`], 1);
      assert.equal(by[`u${String(namedSingles).padStart(5, "0")}`], undefined);
      assert.equal(by["(other)"], SINGLES - namedSingles);
      assert.equal(
        Object.values(by).reduce((a, b) => a + b, 0),
        total,
      );
      assert.equal(scalar.truncated, true);
      assert.equal(scalar.groups_total, groupsTotal);
      assert.equal(scalar.folded_span_count, SINGLES - namedSingles);

      // a series: max_series_groups lines, the big users, and (other) with every other span
      const series = await get(`${server.url}/metrics/span_count/series?window=1h&step=5m&groupby=attr.user`);
      const lines = series.body.series as { group: string; points: [number, number][] }[];
      assert.equal(lines.length, maxSeries + 1);
      const sum = (g: string) => (lines.find((l) => l.group === g)?.points ?? []).reduce((a, [, v]) => a + v, 0);
      assert.equal(sum("big-25"), 26);
      assert.equal(sum("big-06"), 7);
      assert.equal(sum("big-05"), 0, "big-05 is folded");
      assert.equal(sum("(other)"), SINGLES + [2, 3, 4, 5, 6].reduce((a, b) => a + b, 0));
      assert.equal(series.body.truncated, true);
      assert.equal(series.body.groups_total, groupsTotal);
      assert.ok(series.text.length < 20_000, `series answer of ${series.text.length} bytes`);

      // a family with percentiles: (other)'s computed over its own spans (singles, all at 100 ms)
      const latency = (await get(`${server.url}/metrics/latency?window=1h&groupby=attr.user`)).body;
      const other = (latency.by_user as Record<string, { p50_ms: number; max_ms: number; span_count: number }>)[
        "(other)"
      ];
      assert.deepEqual([other.p50_ms, other.max_ms, other.span_count], [100, 100, SINGLES - namedSingles]);
      assert.equal(latency.truncated, true);

      // GET /metrics: the overview's groups obey the same cap; totals unchanged
      const overview = (await get(`${server.url}/metrics?window=1h&groupby=attr.user`)).body;
      assert.equal(Object.keys(overview.by_user as object).length, maxGroups + 1);
      assert.equal(overview.span_count, total);
      assert.equal(overview.groups_total, groupsTotal);

      // under the cap: no truncation fields
      const models = (await get(`${server.url}/metrics/span_count?window=1h&groupby=model`)).body;
      assert.deepEqual(models.by_model, { "gpt-4o": total });
      assert.equal("truncated" in models, false);
    } finally {
      await server.close();
      await cleanup();
    }
  });
}

capTest("memory", false, async () => ({ store: new MemoryStore(), cleanup: async () => undefined }));

capTest("DuckDB", false, async () => {
  const dir = await mkdtemp(join(tmpdir(), "tt-group-cap-"));
  const store = await DuckDbStore.open(join(dir, "spans.duckdb"));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

capTest("PostgreSQL", SKIP_PG, () => openScratch());
