// tokentrace_score on GET /metrics/prometheus: seeded from the store at start, added to as
// scores commit, each score id once, names capped (docs/metrics.md#get-metricsprometheus).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { FastifyInstance } from "fastify";
import { testConfig } from "../config/testing/config.js";
import { DEFAULT_CONFIG } from "../config/types.js";
import { buildApp } from "../server/app.js";
import { createRuntime, type Runtime } from "../server/runtime.js";
import { FIXED_NOW } from "../server/testing/app.js";
import { MemoryStore } from "../store/memory/memory-store.js";
import { scoreRow } from "../store/testing/conformance-fixtures.js";

const TRACE = "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c";

async function start(store: MemoryStore, maxNames = 1000): Promise<{ app: FastifyInstance; rt: Runtime }> {
  const metrics = { ...DEFAULT_CONFIG.metrics, max_dimension_values: maxNames };
  const rt = await createRuntime(testConfig({}, { metrics }), { store, now: () => FIXED_NOW });
  return { app: await buildApp(rt), rt };
}

/** The tokentrace_score samples of a scrape, "name{labels} value" per line. */
async function scoreLines(app: FastifyInstance): Promise<string[]> {
  const res = await app.inject({ url: "/metrics/prometheus" });
  assert.equal(res.statusCode, 200);
  return res.body.split("\n").filter((l) => l.startsWith("tokentrace_score"));
}

const post = async (app: FastifyInstance, body: Record<string, unknown>) => {
  const res = await app.inject({ method: "POST", url: "/scores", payload: { trace_id: TRACE, ...body } });
  assert.equal(res.statusCode, 201, res.body);
};

test("each committed score counts once per id, in the buckets of its value; labels are not values", async () => {
  const { app, rt } = await start(new MemoryStore());
  try {
    await post(app, { name: "helpful", value: 0.75, id: "r1" });
    await post(app, { name: "helpful", value: 0.75, id: "r1" }); // a retry
    await post(app, { name: "helpful", value: 4, id: "r1" }); // a correction: replaced, not counted again
    await post(app, { name: "helpful", value: true });
    await post(app, { name: "helpful", label: "great" });
    await post(app, { name: "thumbs", value: false });
    const lines = await scoreLines(app);
    for (const want of [
      'tokentrace_score_bucket{name="helpful",le="0.7"} 0',
      'tokentrace_score_bucket{name="helpful",le="0.8"} 1',
      'tokentrace_score_bucket{name="helpful",le="1"} 2',
      'tokentrace_score_bucket{name="helpful",le="+Inf"} 2',
      'tokentrace_score_sum{name="helpful"} 1.75',
      'tokentrace_score_count{name="helpful"} 2',
      'tokentrace_score_bucket{name="thumbs",le="0"} 1',
      'tokentrace_score_count{name="thumbs"} 1',
    ]) {
      assert.ok(lines.includes(want), `missing ${want} in\n${lines.join("\n")}`);
    }
    // a delete does not subtract: counters never decrease while the server runs
    const del = await app.inject({ method: "DELETE", url: "/scores/r1" });
    assert.equal(del.statusCode, 204);
    assert.ok((await scoreLines(app)).includes('tokentrace_score_count{name="helpful"} 2'));
  } finally {
    await app.close();
    await rt.close();
  }
});

test("at start the histogram counts every stored score (a restart); past the cap new names count as (other)", async () => {
  const store = new MemoryStore();
  await store.scores.upsertScores([
    scoreRow({ name: "busy", value: 0.5 }),
    scoreRow({ name: "busy", value: 2 }),
    scoreRow({ name: "quiet", value: 5 }),
  ]);
  const { app, rt } = await start(store, 1);
  try {
    await post(app, { name: "busy", value: 1 });
    await post(app, { name: "new", value: 0.1 });
    const lines = await scoreLines(app);
    // "busy" has most scores: it keeps its name; "quiet" and "new" fold into (other)
    for (const want of [
      'tokentrace_score_count{name="busy"} 3',
      'tokentrace_score_sum{name="busy"} 3.5',
      'tokentrace_score_bucket{name="(other)",le="0.1"} 1',
      'tokentrace_score_bucket{name="(other)",le="5"} 2',
      'tokentrace_score_count{name="(other)"} 2',
    ]) {
      assert.ok(lines.includes(want), `missing ${want} in\n${lines.join("\n")}`);
    }
    assert.equal(lines.filter((l) => l.startsWith("tokentrace_score_count")).length, 2);
  } finally {
    await app.close();
    await rt.close();
  }
});
