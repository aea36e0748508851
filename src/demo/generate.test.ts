import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPricer } from "../pricing/index.js";
import type { Span } from "../span/types.js";
import { demoTraces, trafficAt } from "./generate.js";

const NOW = Date.UTC(2026, 2, 18, 16, 30); // a Wednesday afternoon
const DAY = 86_400_000;
const price = createPricer({});

function generate(seed = 7, days = 7, tracesPerDay = 800): Span[][] {
  return [...demoTraces({ now: NOW, days, tracesPerDay, seed, scoreAttribute: "quality.judge", price })];
}

const traces = generate();
const spans = traces.flat();
const llm = spans.filter((s) => s.model !== null);

describe("demo traffic", () => {
  it("is the same for the same seed and different for another", () => {
    assert.deepEqual(generate(7, 1, 200), generate(7, 1, 200));
    assert.notDeepEqual(generate(8, 1, 200)[0], generate(7, 1, 200)[0]);
  });

  it("covers the requested days, ends before now and has about the requested volume", () => {
    assert.ok(spans.every((s) => s.started_at >= NOW - 7 * DAY && s.ended_at <= NOW));
    assert.ok(Math.min(...spans.map((s) => s.started_at)) < NOW - 6.9 * DAY);
    assert.ok(Math.max(...spans.map((s) => s.started_at)) > NOW - 3_600_000);
    // 5 weekdays + 2 weekend days at half traffic, plus the nightly batches
    assert.ok(traces.length > 800 * 5 && traces.length < 800 * 7.5, `${traces.length} traces`);
  });

  it("builds multi-span traces whose parents are in the same trace", () => {
    assert.ok(traces.filter((t) => t.length >= 3).length > traces.length / 3);
    for (const t of traces) {
      const ids = new Set(t.map((s) => s.span_id));
      assert.equal(ids.size, t.length);
      assert.equal(new Set(t.map((s) => s.trace_id)).size, 1);
      assert.ok(t.every((s) => s.parent_span_id === null || ids.has(s.parent_span_id)));
      assert.equal(t.filter((s) => s.parent_span_id === null).length, 1);
    }
    assert.ok(
      spans.some((s) => s.model === null),
      "plain steps such as vector-search",
    );
  });

  it("prices every LLM call and keeps token totals and scores consistent", () => {
    assert.ok(llm.every((s) => s.cost_usd !== null && s.cost_usd >= 0));
    assert.ok(llm.every((s) => s.total_tokens === s.prompt_tokens + s.comp_tokens));
    assert.ok(llm.every((s) => s.latency_ms === s.ended_at - s.started_at));
    const scored = llm.filter((s) => s.eval_score !== null);
    assert.ok(scored.length > llm.length / 4);
    assert.ok(
      scored.every((s) => s.attributes["quality.judge"] === s.eval_score && s.eval_score >= 0 && s.eval_score <= 1),
    );
    assert.ok(new Set(llm.map((s) => s.model)).size >= 6);
    assert.ok(new Set(spans.map((s) => s.caller)).size >= 5);
  });

  it("has errors, timeouts and an Anthropic outage three days ago", () => {
    const rate = (list: Span[]) => list.filter((s) => s.status === "error").length / list.length;
    const outageStart = NOW - 3 * DAY - 5 * 3_600_000;
    const anthropic = llm.filter((s) => s.provider === "anthropic");
    const inOutage = anthropic.filter((s) => s.started_at >= outageStart && s.started_at < outageStart + 3_600_000);
    assert.ok(rate(llm) > 0.005 && rate(llm) < 0.05, `overall error rate ${rate(llm)}`);
    assert.ok(rate(inOutage) > 0.25, `outage error rate ${rate(inOutage)}`);
    assert.ok(llm.some((s) => s.status === "timeout"));
    assert.ok(llm.filter((s) => s.status === "error").every((s) => typeof s.attributes["error.type"] === "string"));
  });

  it("follows a daily pattern and shows the recent gpt-4o slowdown and the v4 quality drop", () => {
    assert.ok(trafficAt(Date.UTC(2026, 2, 18, 15)) > 3 * trafficAt(Date.UTC(2026, 2, 18, 3)));
    assert.ok(trafficAt(Date.UTC(2026, 2, 21, 15)) < trafficAt(Date.UTC(2026, 2, 18, 15)), "Saturday is quieter");
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const gpt4o = llm.filter((s) => s.model === "gpt-4o" && s.status === "ok");
    const recent = median(gpt4o.filter((s) => s.started_at >= NOW - 90 * 60_000).map((s) => s.latency_ms));
    const before = median(gpt4o.filter((s) => s.started_at < NOW - DAY).map((s) => s.latency_ms));
    assert.ok(recent > 2 * before, `${recent} vs ${before}`);
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summaries = llm.filter((s) => s.name === "summarize-document" && s.eval_score !== null);
    const v3 = avg(summaries.filter((s) => s.attributes.prompt_version === "v3").map((s) => s.eval_score as number));
    const v4 = avg(summaries.filter((s) => s.attributes.prompt_version === "v4").map((s) => s.eval_score as number));
    assert.ok(v3 - v4 > 0.04, `v3 ${v3} v4 ${v4}`);
  });

  it("carries users and their conversations as span fields, the same on every span of a trace", () => {
    assert.ok(
      spans.every((s) => !Object.hasOwn(s.attributes, "user_id")),
      "not an attribute any more",
    );
    for (const t of traces) {
      assert.equal(new Set(t.map((s) => `${s.user_id}|${s.session_id}`)).size, 1);
      assert.equal(t[0].user_id === null, t[0].session_id === null);
    }
    const served = traces.filter((t) => t[0].user_id !== null);
    assert.ok(served.length > traces.length * 0.9, "only the nightly batch serves no one");
    const sessionsOf = new Map<string, Set<string>>();
    const owner = new Map<string, string>();
    for (const [s] of served) {
      const user = s.user_id as string;
      const session = s.session_id as string;
      sessionsOf.set(user, (sessionsOf.get(user) ?? new Set()).add(session));
      assert.equal(owner.get(session) ?? user, user, "a conversation belongs to one user");
      owner.set(session, user);
    }
    const perUser = [...sessionsOf.values()].map((x) => x.size);
    const avg = perUser.reduce((a, b) => a + b, 0) / perUser.length;
    assert.ok(sessionsOf.size > 500 && avg >= 2 && avg <= 6, `${sessionsOf.size} users, ${avg} conversations each`);
    assert.ok(owner.size < served.length * 0.8, "conversations hold several traces");
  });
});
