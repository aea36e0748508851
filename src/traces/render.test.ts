import assert from "node:assert/strict";
import { test } from "node:test";
import { seedStoredSpan, SEED_TRACE_ID as T } from "../span/testing/seed.js";
import type { Span } from "../span/types.js";
import { renderTrace, sumUsd } from "./render.js";

const span = (over: Partial<Span>): Span => seedStoredSpan({ attributes: { "eval.score": 0.87 }, ...over });

test("sumUsd is an exact decimal sum, null only when nothing is priced", () => {
  assert.equal(sumUsd([0.1, 0.2]), 0.3);
  assert.equal(sumUsd(Array.from({ length: 10 }, () => 0.1)), 1);
  assert.equal(sumUsd([0.000000000001, 0.000000000002]), 0.000000000003);
  assert.equal(sumUsd([0.00448, null, 0.00002]), 0.0045);
  assert.equal(sumUsd([999999.99999999, 0.00000001]), 1000000);
  assert.equal(sumUsd([null, null]), null);
  assert.equal(sumUsd([]), null);
  assert.equal(sumUsd([0]), 0);
});

test("renders the seed's trace shape for the seed's span", () => {
  const trace = renderTrace([span({})]);
  assert.deepEqual(Object.keys(trace), [
    "trace_id",
    "name",
    "started_at",
    "ended_at",
    "total_cost_usd",
    "total_tokens",
    "span_count",
    "spans",
  ]);
  assert.equal(trace.trace_id, T);
  assert.equal(trace.name, "summarize-document");
  assert.equal(trace.started_at, "2026-03-15T14:23:01.441Z");
  assert.equal(trace.ended_at, "2026-03-15T14:23:02.681Z");
  assert.equal(trace.total_cost_usd, 0.00448);
  assert.equal(trace.total_tokens, 640);
  assert.equal(trace.span_count, 1);
  assert.equal(trace.spans[0].started_at, "2026-03-15T14:23:01.441Z");
  assert.equal(trace.spans[0].parent_span_id, null);
});

test("name is the root span's, times are min/max, totals sum every span", () => {
  const root = span({
    span_id: "r",
    name: "agent-run",
    started_at: 2000,
    ended_at: 9000,
    cost_usd: null,
    total_tokens: 0,
  });
  const early = span({
    span_id: "c1",
    parent_span_id: "r",
    name: "child",
    started_at: 1000,
    ended_at: 3000,
    cost_usd: 0.1,
  });
  const late = span({
    span_id: "c2",
    parent_span_id: "r",
    name: "child2",
    started_at: 5000,
    ended_at: 9500,
    cost_usd: 0.2,
  });
  const trace = renderTrace([late, root, early]);
  assert.equal(trace.name, "agent-run");
  assert.equal(trace.started_at, new Date(1000).toISOString());
  assert.equal(trace.ended_at, new Date(9500).toISOString());
  assert.equal(trace.total_cost_usd, 0.3);
  assert.equal(trace.total_tokens, 1280);
  assert.equal(trace.span_count, 3);
  assert.deepEqual(
    trace.spans.map((s) => s.span_id),
    ["c1", "r", "c2"],
  );
});

test("without a parentless span the earliest span names the trace; all unpriced gives null cost", () => {
  const a = span({ span_id: "a", parent_span_id: "x", name: "second", started_at: 2000, cost_usd: null });
  const b = span({ span_id: "b", parent_span_id: "x", name: "first", started_at: 1000, cost_usd: null });
  const trace = renderTrace([a, b]);
  assert.equal(trace.name, "first");
  assert.equal(trace.total_cost_usd, null);
});

test("the trace is named after its root even when a child starts in the same millisecond", () => {
  const child = span({ span_id: "c", parent_span_id: "r", name: "retrieve", started_at: 1000, ended_at: 1200 });
  const root = span({ span_id: "r", parent_span_id: null, name: "rag", started_at: 1000, ended_at: 1900 });
  assert.equal(renderTrace([child, root]).name, "rag");
  // two parentless spans at the same instant: the one that lasts longer encloses the other
  const a = span({ span_id: "a", parent_span_id: null, name: "inner", started_at: 1000, ended_at: 1100 });
  const b = span({ span_id: "b", parent_span_id: null, name: "outer", started_at: 1000, ended_at: 1500 });
  assert.equal(renderTrace([a, b]).name, "outer");
});
