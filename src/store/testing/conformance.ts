// The behaviour every Store driver must have. Each driver's test file calls
// runStoreConformance; a driver is done when this suite passes unchanged.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { TraceQuery } from "../store.js";
import { contentTests } from "./conformance-content.js";
import { cursorTests } from "./conformance-cursor.js";
import { dedupTests } from "./conformance-dedup.js";
import { exportTests } from "./conformance-export.js";
import { DAY, id, ids, MIN, q, span, T0 } from "./conformance-fixtures.js";
import type { ConformanceOptions, OpenedStore } from "./conformance-lifecycle.js";
import { lifecycleTests, type WithStore } from "./conformance-lifecycle.js";
import { orderTests } from "./conformance-order.js";
import { scoreTests } from "./conformance-scores.js";
import { sessionTests } from "./conformance-sessions.js";

export type { ConformanceOptions, OpenedStore } from "./conformance-lifecycle.js";

/** Registers the conformance tests for one driver. */
export function runStoreConformance(name: string, open: () => Promise<OpenedStore>, opts: ConformanceOptions): void {
  // Each test gets a fresh, empty store and always releases it.
  const withStore: WithStore = (title, body) =>
    test(title, async () => {
      const o = await open();
      try {
        await body(o.store, o);
      } finally {
        await o.cleanup();
      }
    });

  describe(`${name} store conformance`, () => {
    withStore("round-trips every span field exactly", async (s) => {
      const trace = id();
      const full = span({
        trace_id: trace,
        name: "résumé — 要約 🚀 'quoted' \"double\"",
        cached_tokens: 1000,
        reasoning_tokens: 120,
        prompt_tokens: 2 ** 40,
        total_tokens: 2 ** 40 + 300,
        cost_usd: 0.00448,
        latency_ms: 1234.5,
        ttft_ms: 87.25,
        eval_score: 0.82,
        session_id: "conv-é 42",
        user_id: `u-${"x".repeat(254)}`,
        attributes: {
          "eval.score": 0.82,
          workflow: "résumé 要約",
          count: 5,
          big: 12345678901,
          neg: -3.5,
          ok: true,
          no: false,
          empty: "",
          quote: "a \"b\" 'c' \\ \n\t",
          "key with spaces/and~tilde": "v",
        },
      });
      const bare = span({
        trace_id: trace,
        parent_span_id: full.span_id,
        name: "tool-call",
        model: null,
        provider: null,
        prompt_tokens: 0,
        comp_tokens: 0,
        total_tokens: 0,
        cost_usd: null,
        caller: null,
        status: "timeout",
        started_at: full.started_at + 5,
        ended_at: full.started_at + 5,
        latency_ms: 0,
      });
      const tiny = span({ trace_id: trace, cost_usd: 0.000000000001, started_at: full.started_at + 9 });
      const big = span({ trace_id: trace, cost_usd: 999999.123456, status: "error", started_at: full.started_at + 7 });
      const zero = span({ trace_id: trace, cost_usd: 0, started_at: full.started_at + 8 });
      await s.insert([tiny, bare, full, big, zero]);
      assert.deepEqual(await s.getTrace(trace), [full, bare, big, zero, tiny]);
    });

    withStore("getTrace of an unknown or hostile id is []", async (s) => {
      await s.insert([span()]);
      assert.deepEqual(await s.getTrace(id()), []);
      assert.deepEqual(await s.getTrace("'; DROP TABLE spans; --"), []);
      assert.deepEqual(await s.getTrace(""), []);
      assert.equal(await s.countSpans(), 1);
    });

    withStore("ids are opaque strings: quotes and odd characters round-trip", async (s) => {
      const odd = span({ trace_id: 'it\'s a "trace" -- ;', span_id: "span'1", attributes: { k: "v" } });
      const plain = span({ started_at: T0 - 1, attributes: { k: "v" } });
      await s.insert([odd, plain]);
      assert.deepEqual(await s.getTrace(odd.trace_id), [odd]);
      const r = await s.searchTraces(q({ attrs: { k: "v" } }));
      assert.deepEqual(r.traces, [[odd], [plain]]);
    });

    withStore("insert of nothing is a no-op; countSpans counts LLM and plain spans", async (s) => {
      await s.insert([]);
      assert.equal(await s.countSpans(), 0);
      await s.insert([span(), span({ model: null, provider: null, cost_usd: null })]);
      await s.insert([span()]);
      assert.equal(await s.countSpans(), 3);
    });

    withStore("search filters by model, caller, provider, status and attributes", async (s) => {
      const a = span({ model: "gpt-4o", caller: "api", status: "error", attributes: { workflow: "chat", n: 5 } });
      const b = span({
        model: "claude-haiku-4-5",
        provider: "anthropic",
        caller: "worker",
        started_at: T0 + 1,
        attributes: { workflow: "rag", ok: true, score: 0.5 },
      });
      const c = span({
        model: "gpt-4o",
        caller: "worker",
        status: "timeout",
        started_at: T0 + 2,
        attributes: { n: "5" },
      });
      await s.insert([a, b, c]);
      const find = async (o: Partial<TraceQuery>) => ids((await s.searchTraces(q(o))).traces);
      assert.deepEqual(await find({}), [c.trace_id, b.trace_id, a.trace_id]);
      assert.deepEqual(await find({ model: "gpt-4o" }), [c.trace_id, a.trace_id]);
      assert.deepEqual(await find({ caller: "worker" }), [c.trace_id, b.trace_id]);
      assert.deepEqual(await find({ provider: "anthropic" }), [b.trace_id]);
      assert.deepEqual(await find({ status: "error" }), [a.trace_id]);
      assert.deepEqual(await find({ model: "gpt-4o", caller: "worker" }), [c.trace_id]);
      assert.deepEqual(await find({ model: "gpt-4o", status: "ok" }), []);
      assert.deepEqual(await find({ attrs: { workflow: "chat" } }), [a.trace_id]);
      // Values compare as strings: number 5 and string "5" both match "5".
      assert.deepEqual(await find({ attrs: { n: "5" } }), [c.trace_id, a.trace_id]);
      assert.deepEqual(await find({ attrs: { ok: "true" } }), [b.trace_id]);
      assert.deepEqual(await find({ attrs: { score: "0.5" } }), [b.trace_id]);
      assert.deepEqual(await find({ attrs: { workflow: "rag", ok: "true" } }), [b.trace_id]);
      assert.deepEqual(await find({ attrs: { workflow: "rag", ok: "false" } }), []);
      assert.deepEqual(await find({ attrs: { missing: "x" } }), []);
      assert.deepEqual(await find({ caller: "api", attrs: { workflow: "chat", n: "5" } }), [a.trace_id]);
    });

    withStore("all filters must hold on one span, and the whole trace comes back", async (s) => {
      const trace = id();
      const root = span({ trace_id: trace, attributes: { workflow: "chat" } });
      const child = span({
        trace_id: trace,
        parent_span_id: root.span_id,
        model: "gpt-4o-mini",
        started_at: T0 + 10,
        attributes: { user_id: "u1" },
      });
      await s.insert([child, root]);
      const r = await s.searchTraces(q({ model: "gpt-4o-mini" }));
      assert.deepEqual(r.traces, [[root, child]]);
      assert.equal((await s.searchTraces(q({ attrs: { workflow: "chat", user_id: "u1" } }))).traces.length, 0);
      assert.equal((await s.searchTraces(q({ model: "gpt-4o-mini", attrs: { workflow: "chat" } }))).traces.length, 0);
    });

    withStore("hostile attribute keys and values are plain strings", async (s) => {
      // Pairs, not an object literal: a literal `__proto__:` would set the prototype, not a key.
      const hostile: [string, string][] = [
        ["'; DROP TABLE spans; --", "x1"],
        ["$.a", "x2"],
        ['"', "x3"],
        ["a/b", "x4"],
        ["~0", "x5"],
        ["*", "x6"],
        ["__proto__", "x7"],
        ["", "x8"],
        ["$", "x9"],
      ];
      const a = span({ attributes: Object.fromEntries([...hostile, ["a", "x2"]]) });
      const b = span({ started_at: T0 + 1, attributes: { v: "'; DROP TABLE spans; --", pct: "100%", q: 'say "hi"' } });
      await s.insert([a, b]);
      const find = async (attrs: Record<string, string>) => ids((await s.searchTraces(q({ attrs }))).traces);
      for (const [k, v] of hostile) {
        assert.deepEqual(await find({ [k]: v }), [a.trace_id], `key ${JSON.stringify(k)}`);
        assert.deepEqual(await find({ [k]: `${v}'` }), [], `key ${JSON.stringify(k)} wrong value`);
      }
      assert.deepEqual(await find({ a: "x2" }), [a.trace_id]);
      assert.deepEqual(await find({ "$.a": "x1" }), []);
      assert.deepEqual(await find({ v: "'; DROP TABLE spans; --" }), [b.trace_id]);
      assert.deepEqual(await find({ v: "' OR '1'='1" }), []);
      assert.deepEqual(await find({ pct: "%" }), []);
      assert.deepEqual(await find({ pct: "100%" }), [b.trace_id]);
      assert.deepEqual(await find({ q: 'say "hi"' }), [b.trace_id]);
      assert.deepEqual(await find({ toString: "x" }), []);
      assert.deepEqual(await find({ "'; DROP TABLE spans; --": "x1", "$.a": "x2" }), [a.trace_id]);
      assert.equal(await s.countSpans(), 2);
      assert.deepEqual(await s.getTrace(a.trace_id), [a]);
    });

    withStore("limit, offset and hasMore page through traces", async (s) => {
      const spans = Array.from({ length: 25 }, (_, i) => span({ started_at: T0 - i * DAY }));
      await s.insert(spans);
      const all = spans.map((x) => x.trace_id);
      let r = await s.searchTraces(q({ limit: 10 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [all.slice(0, 10), true]);
      r = await s.searchTraces(q({ limit: 10, offset: 10 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [all.slice(10, 20), true]);
      r = await s.searchTraces(q({ limit: 10, offset: 20 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [all.slice(20), false]);
      r = await s.searchTraces(q({ limit: 5, offset: 20 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [all.slice(20), false]);
      r = await s.searchTraces(q({ limit: 10, offset: 30 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [[], false]);
      r = await s.searchTraces(q({ limit: 200 }));
      assert.deepEqual([ids(r.traces), r.hasMore], [all, false]);
    });

    withStore("since and until are exclusive bounds on span started_at", async (s) => {
      const spans = [0, 1, 2, 3].map((i) => span({ started_at: T0 + i * MIN }));
      await s.insert(spans);
      const find = async (o: Partial<TraceQuery>) => ids((await s.searchTraces(q(o))).traces);
      const t = spans.map((x) => x.trace_id);
      assert.deepEqual(await find({ since: T0 + MIN }), [t[3], t[2]]);
      assert.deepEqual(await find({ until: T0 + 2 * MIN }), [t[1], t[0]]);
      assert.deepEqual(await find({ since: T0, until: T0 + 3 * MIN }), [t[2], t[1]]);
      assert.deepEqual(await find({ since: T0 + 3 * MIN }), []);
    });

    withStore("deleteBefore removes spans that started before the cut-off", async (s) => {
      const trace = id();
      const old = span({ trace_id: trace, started_at: T0 - DAY });
      const edge = span({ trace_id: trace, started_at: T0 });
      const recent = span({ started_at: T0 + DAY });
      await s.insert([old, edge, recent]);
      assert.equal(await s.deleteBefore(T0), 1);
      assert.equal(await s.deleteBefore(T0), 0);
      assert.equal(await s.countSpans(), 2);
      assert.deepEqual(await s.getTrace(trace), [edge]);
      assert.deepEqual(ids((await s.searchTraces(q())).traces), [recent.trace_id, trace]);
      assert.equal(await s.deleteBefore(T0 + 2 * DAY), 2);
      assert.equal(await s.countSpans(), 0);
    });

    withStore("groupSizes (where a driver has it) counts what summarize counts, per group", async (s) => {
      const spans = Array.from({ length: 60 }, (_, i) =>
        span({
          started_at: T0 - (i % 7) * 3 * 60 * MIN - MIN,
          model: i % 10 === 0 ? null : ["gpt-4o", "claude"][i % 2],
          user_id: i % 4 === 0 ? null : `u${i % 5}`,
          attributes: i % 3 === 0 ? {} : { workflow: `w${i % 3}` },
        }),
      );
      await s.insert(spans);
      for (const groupBy of [{ column: "user_id" }, { column: "model" }, { attr: "workflow" }] as const) {
        for (const filter of [{}, { model: "claude" }]) {
          const q = { from: T0 - DAY, to: T0 + 1, filter, groupBy };
          const want = (await s.summarize({ ...q, stats: [] }))
            .map((r) => [r.group, r.span_count])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
          const sizes = s.groupSizes ? await s.groupSizes(q) : [];
          const got = sizes
            .map((r) => [r.group, r.span_count])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
          if (s.groupSizes) assert.deepEqual(got, want, JSON.stringify({ groupBy, filter }));
        }
      }
    });

    orderTests(withStore);
    cursorTests(withStore);
    contentTests(withStore, opts);
    scoreTests(withStore, opts);
    sessionTests(withStore);
    exportTests(withStore);
    lifecycleTests(withStore, opts);
    dedupTests(withStore, opts);
  });
}
