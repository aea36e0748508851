// Conformance, content part: the separate content table every driver keeps (docs/content.md).
import assert from "node:assert/strict";
import type { SpanContent } from "../../content/types.js";
import { FIRST_SLICE_MS } from "../content-rows.js";
import { DAY, id, MIN, span, T0 } from "./conformance-fixtures.js";
import type { ConformanceOptions, WithStore } from "./conformance-lifecycle.js";

/** A content row for a new span; override any field. */
export function contentRow(o: Partial<SpanContent> = {}): SpanContent {
  return {
    trace_id: id(),
    span_id: id(),
    started_at: T0,
    input: [{ role: "user", parts: [{ type: "text", content: "What is the capital of France?" }] }],
    output: [{ role: "assistant", parts: [{ type: "text", content: "Paris." }], finish_reason: "stop" }],
    system: null,
    tools: null,
    redactions: 0,
    truncated_bytes: 0,
    ...o,
  };
}

/** Registers the content tests (called by runStoreConformance). */
export function contentTests(withStore: WithStore, opts: ConformanceOptions): void {
  withStore("content: round-trips every field, ordered by started_at", async (s) => {
    const trace = id();
    const full = contentRow({
      trace_id: trace,
      started_at: T0 + 5,
      system: [{ type: "text", content: "Answer in one word. 'quoted' \"double\" \\ \n\t résumé 要約 🚀" }],
      input: [
        { role: "user", parts: [{ type: "text", content: "weather in Paris?" }] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris", days: 2 } }],
        },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_1", response: { temp_c: 21.5, ok: true } }] },
      ],
      output: [{ role: "assistant", parts: [{ type: "text", content: "Sunny, 21.5 °C." }], finish_reason: "stop" }],
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }],
      redactions: 3,
      truncated_bytes: 1024,
    });
    const early = contentRow({ trace_id: trace, started_at: T0, output: null });
    await s.content.insertContent([full, early]);
    await s.content.insertContent([contentRow()]);
    assert.deepEqual(await s.content.getContent(trace), [early, full]);
    assert.deepEqual(await s.content.getContent(id()), []);
    assert.deepEqual(await s.content.getContent("'; DROP TABLE span_content; --"), []);
  });

  withStore("content: a span sent again replaces its content", async (s) => {
    const first = contentRow();
    const again = { ...first, output: [{ role: "assistant", parts: [{ type: "text", content: "Lyon?" }] }] };
    await s.content.insertContent([first]);
    await s.content.insertContent([again]);
    assert.deepEqual(await s.content.getContent(first.trace_id), [again]);
    // and twice within one batch: the last one wins
    const b = contentRow();
    await s.content.insertContent([b, { ...b, redactions: 7 }]);
    assert.deepEqual(await s.content.getContent(b.trace_id), [{ ...b, redactions: 7 }]);
  });

  withStore("content: search is case-insensitive, newest first, within the window, limited", async (s) => {
    const say = (text: string, started_at: number, trace_id = id()) =>
      contentRow({ trace_id, started_at, input: [{ role: "user", parts: [{ type: "text", content: text }] }] });
    const rows = [
      say("Refund for ORDER 1234", T0 - 2 * MIN),
      say("where is my order?", T0 - MIN),
      say('order 100% done_now \\ "quoted"', T0),
      say("nothing here", T0 + MIN),
      say("an old order", T0 - 10 * DAY),
    ];
    await s.content.insertContent(rows);
    const t = rows.map((r) => r.trace_id);
    const find = (text: string, o: { since?: number; until?: number; limit?: number } = {}) =>
      s.content.searchContent({ text, since: o.since ?? T0 - DAY, until: o.until ?? T0 + DAY, limit: o.limit ?? 20 });
    assert.deepEqual(await find("order"), [t[2], t[1], t[0]]);
    assert.deepEqual(await find("ORDER", { limit: 2 }), [t[2], t[1]]);
    assert.deepEqual(await find("order", { since: T0 - MIN, until: T0 }), []);
    assert.deepEqual(await find("order", { since: T0 - 2 * MIN, until: T0 + 1 }), [t[2], t[1]]);
    assert.deepEqual(await find("100%"), [t[2]]);
    assert.deepEqual(await find("done_now"), [t[2]]);
    assert.deepEqual(await find("1%"), []);
    assert.deepEqual(await find("e_n"), [t[2]]);
    assert.deepEqual(await find('\\ "quoted"'), [t[2]]);
    // words of the JSON shape are not content
    assert.deepEqual(await find("role"), []);
    assert.deepEqual(await find("parts"), []);
  });

  withStore("content: search reads the window newest first in slices, every row once", async (s) => {
    const until = T0 + DAY;
    const since = until - 3 * DAY;
    const slice = FIRST_SLICE_MS;
    // Rows on and next to the slice bounds (until-1-slice, until-1-3×slice, ...) and the window's own bounds.
    const times = [until, until - 1, until - 1 - slice, until - slice, until - 2 - slice, until - 1 - 3 * slice];
    times.push(until - 2 - 3 * slice, until - DAY, since + 1, since);
    const rows = times.map((t, i) =>
      contentRow({ started_at: t, input: [{ role: "user", parts: [{ type: "text", content: `parcel ${i}` }] }] }),
    );
    await s.content.insertContent(rows);
    const want = rows
      .filter((r) => r.started_at > since && r.started_at < until)
      .sort((a, b) => b.started_at - a.started_at)
      .map((r) => r.trace_id);
    assert.deepEqual(await s.content.searchContent({ text: "parcel", since, until, limit: 50 }), want);
    assert.deepEqual(await s.content.searchContent({ text: "parcel", since, until, limit: 3 }), want.slice(0, 3));
  });

  withStore("content: insert commits spans and their content together", async (s) => {
    const sp = span({ started_at: T0 });
    const row = contentRow({ trace_id: sp.trace_id, span_id: sp.span_id });
    await s.insert([sp], [row]);
    assert.deepEqual(await s.getTrace(sp.trace_id), [sp]);
    assert.deepEqual(await s.content.getContent(sp.trace_id), [row]);
  });

  withStore("content: search finds tool arguments and results, one id per trace", async (s) => {
    const trace = id();
    await s.content.insertContent([
      contentRow({
        trace_id: trace,
        input: [{ role: "assistant", parts: [{ type: "tool_call", name: "lookup", arguments: { sku: "ZX-81" } }] }],
      }),
      contentRow({
        trace_id: trace,
        started_at: T0 + 1,
        output: [{ role: "tool", parts: [{ type: "text", content: "zx-81 in stock" }] }],
      }),
    ]);
    assert.deepEqual(await s.content.searchContent({ text: "zx-81", since: T0 - 1, until: T0 + 2, limit: 5 }), [trace]);
  });

  withStore("content: retention is apart from span retention", async (s) => {
    const old = contentRow({ started_at: T0 - DAY });
    const edge = contentRow({ started_at: T0 });
    const sp = span({ trace_id: old.trace_id, span_id: old.span_id, started_at: T0 - DAY });
    await s.insert([sp]);
    await s.content.insertContent([old, edge]);
    assert.equal(await s.content.deleteContentBefore(T0), 1);
    assert.equal(await s.content.deleteContentBefore(T0), 0);
    assert.deepEqual(await s.content.getContent(old.trace_id), []);
    assert.deepEqual(await s.getTrace(old.trace_id), [sp]);
    assert.deepEqual(await s.content.getContent(edge.trace_id), [edge]);
    assert.equal(await s.deleteBefore(T0 + DAY), 1);
    assert.deepEqual(await s.content.getContent(edge.trace_id), [edge]);
  });

  if (opts.durable) {
    withStore("content: survives close and reopen, readable and searchable, retention still applies", async (s, o) => {
      assert.ok(o.reopen, "a durable driver must provide reopen");
      const sp = span({ started_at: T0 });
      const withSpan = contentRow({ trace_id: sp.trace_id, span_id: sp.span_id, redactions: 2 });
      const alone = contentRow({
        started_at: T0 - DAY,
        input: [{ role: "user", parts: [{ type: "text", content: "lost parcel qx-7" }] }],
      });
      await s.insert([sp], [withSpan]);
      await s.content.insertContent([alone]);
      await s.close();
      const again = await o.reopen();
      try {
        assert.deepEqual(await again.content.getContent(sp.trace_id), [withSpan]);
        assert.deepEqual(await again.content.getContent(alone.trace_id), [alone]);
        const find = (text: string) =>
          again.content.searchContent({ text, since: T0 - 2 * DAY, until: T0 + 1, limit: 5 });
        assert.deepEqual(await find("QX-7"), [alone.trace_id]);
        assert.deepEqual(await find("capital of france"), [withSpan.trace_id]);
        // written after the reopen, next to what was there
        const later = contentRow({ started_at: T0 + 1 });
        await again.content.insertContent([later]);
        assert.deepEqual(await again.content.getContent(later.trace_id), [later]);
        assert.equal(await again.content.deleteContentBefore(T0), 1);
        assert.deepEqual(await again.content.getContent(alone.trace_id), []);
        assert.deepEqual(await find("qx-7"), []);
        assert.deepEqual(await again.content.getContent(sp.trace_id), [withSpan]);
      } finally {
        await again.close();
      }
    });
  }
}
