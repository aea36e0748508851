import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSpans } from "./normalize.js";
import { NOW, one, opts, rejects, seed } from "./testing/fixtures.js";

describe("parseSpans fields", () => {
  describe("time", () => {
    test("ended_at defaults to now, started_at to ended_at − latency_ms", () => {
      const s = one({ latency_ms: 250.5 });
      assert.equal(s.ended_at, NOW);
      assert.equal(s.started_at, NOW - 251);
      assert.equal(s.latency_ms, 250.5);
      const z = one({});
      assert.deepEqual([z.started_at, z.ended_at, z.latency_ms], [NOW, NOW, 0]);
    });

    test("latency defaults to ended_at − started_at; RFC 3339 and epoch ms both work", () => {
      const s = one({ started_at: "2026-03-15T14:23:01.441Z", ended_at: "2026-03-15T16:23:02.681+02:00" });
      assert.equal(s.started_at, Date.UTC(2026, 2, 15, 14, 23, 1, 441));
      assert.equal(s.ended_at, Date.UTC(2026, 2, 15, 14, 23, 2, 681));
      assert.equal(s.latency_ms, 1240);
      const e = one({ started_at: 1000, ended_at: 3500.9 });
      assert.deepEqual([e.started_at, e.ended_at, e.latency_ms], [1000, 3500, 2500]);
    });

    test("started_at with latency gives ended_at; started_at alone ends now", () => {
      const s = one({ started_at: 1000, latency_ms: 20 });
      assert.deepEqual([s.started_at, s.ended_at, s.latency_ms], [1000, 1020, 20]);
      const a = one({ started_at: NOW - 5000 });
      assert.deepEqual([a.ended_at, a.latency_ms], [NOW, 5000]);
      const e = one({ ended_at: 5000, latency_ms: 1000 });
      assert.deepEqual([e.started_at, e.ended_at], [4000, 5000]);
    });

    test("bad timestamps and durations are 400s naming the field", () => {
      for (const bad of ["2026-03-15", "2026-02-30T00:00:00Z", "yesterday", -1, true, Number.NaN]) {
        rejects(
          { ...seed, started_at: bad },
          "spans[0].started_at: must be an RFC 3339 timestamp or epoch milliseconds",
        );
      }
      rejects({ ...seed, started_at: 2000, ended_at: 1000 }, "spans[0].ended_at: must not be before started_at");
      for (const f of ["latency_ms", "ttft_ms"]) {
        for (const bad of [-1, "5", Number.NaN, Number.NEGATIVE_INFINITY]) {
          rejects([seed, { ...seed, [f]: bad }], `spans[1].${f}: must be a number >= 0`);
        }
      }
      assert.equal(one({ ttft_ms: 120 }).ttft_ms, 120);
    });
  });

  test("status defaults to ok and must be ok/error/timeout", () => {
    assert.equal(one({}).status, "ok");
    assert.equal(one({ status: "timeout" }).status, "timeout");
    assert.equal(one({ status: "error" }).status, "error");
    for (const bad of ["OK", "failed", 1]) {
      rejects({ ...seed, status: bad }, 'spans[0].status: must be one of "ok", "error", "timeout"');
    }
  });

  test("caller defaults to the configured service", () => {
    assert.equal(one({}).caller, "svc-default");
    assert.equal(one({ caller: "api" }).caller, "api");
    assert.equal(one({}, { ...opts, defaultCaller: undefined }).caller, null);
    rejects({ ...seed, caller: ["a"] }, "spans[0].caller: must be a string");
  });

  test("session_id and user_id: optional strings of 1-256 characters, kept as sent", () => {
    const s = one({ session_id: "conv-2291", user_id: "U-1042 é" });
    assert.deepEqual([s.session_id, s.user_id], ["conv-2291", "U-1042 é"]);
    const none = one({ session_id: null });
    assert.deepEqual([none.session_id, none.user_id], [null, null]);
    assert.equal(one({ user_id: "u".repeat(256) }).user_id, "u".repeat(256));
    for (const f of ["session_id", "user_id"]) {
      rejects({ ...seed, [f]: "" }, `spans[0].${f}: must be 1-256 characters`);
      rejects({ ...seed, [f]: "x".repeat(257) }, `spans[0].${f}: must be 1-256 characters`);
      rejects({ ...seed, [f]: 42 }, `spans[0].${f}: must be a string`);
      rejects({ ...seed, [f]: "a\u0000b" }, `spans[0].${f}: contains a NUL character (\\u0000)`);
    }
  });

  test("ids are validated and normalised", () => {
    const s = one({
      trace_id: "0AF7651916CD43DD8448EB211C80319C",
      span_id: "B7AD6B7169203331",
      parent_span_id: "A1B2C3D4-E5F6-7890-ABCD-EF1234567890",
    });
    assert.equal(s.trace_id, "0af76519-16cd-43dd-8448-eb211c80319c");
    assert.equal(s.span_id, "b7ad6b7169203331");
    assert.equal(s.parent_span_id, "a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    assert.equal(one({ parent_span_id: null }).parent_span_id, null);
    rejects({ ...seed, trace_id: "abc" }, "spans[0].trace_id: must be a UUID or 32 hex digits");
    rejects({ ...seed, trace_id: 7 }, "spans[0].trace_id: must be a UUID or 32 hex digits");
    rejects({ ...seed, span_id: "b7ad6b716920333" }, "spans[0].span_id: must be a UUID or 16 or 32 hex digits");
    rejects(
      { ...seed, parent_span_id: "zz" },
      "spans[0].parent_span_id: must be a UUID or 16 or 32 hex digits, or null",
    );
  });

  test("spans without ids each get their own fresh trace and span id", () => {
    const [a, b] = parseSpans([seed, seed], opts);
    assert.notEqual(a.trace_id, b.trace_id);
    assert.notEqual(a.span_id, b.span_id);
  });

  describe("attributes and eval_score", () => {
    test("nested objects flatten; nulls drop; arrays are a 400", () => {
      const s = one({ attributes: { user: { tier: "pro", id: 7, beta: true }, gone: null, "eval.score": 1 } });
      assert.deepEqual(s.attributes, { "user.tier": "pro", "user.id": 7, "user.beta": true, "eval.score": 1 });
      rejects(
        [seed, { ...seed, attributes: { tags: ["a"] } }],
        "spans[1].attributes.tags: arrays are not supported; use a string (e.g. JSON) or nested keys",
      );
      rejects({ ...seed, attributes: "x" }, "spans[0].attributes: must be an object");
      rejects({ ...seed, attributes: [] }, "spans[0].attributes: must be an object");
      rejects({ ...seed, attributes: { a: { b: Number.NaN } } }, "spans[0].attributes.a.b: must be a finite number");
    });

    test("eval_score comes from the quality key: a finite number or numeric string", () => {
      assert.equal(one({ attributes: { eval: { score: 0.5 } } }).eval_score, 0.5);
      assert.equal(one({ attributes: { "eval.score": "0.25" } }).eval_score, 0.25);
      assert.equal(one({ attributes: { "eval.score": "good" } }).eval_score, null);
      assert.equal(one({ attributes: { "eval.score": "" } }).eval_score, null);
      assert.equal(one({ attributes: { "eval.score": true } }).eval_score, null);
      assert.equal(one({ attributes: { quality: 3 } }, { ...opts, qualityKey: "quality" }).eval_score, 3);
      assert.equal(one({}).eval_score, null);
    });
  });
});
