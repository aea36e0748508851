import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ApiError } from "../errors.js";
import { parseSpans } from "./normalize.js";
import { NOW, one, opts, priced, rejects, seed } from "./testing/fixtures.js";
import { seedStoredSpan } from "./testing/seed.js";

describe("parseSpans", () => {
  test("normalises the seed page's example span", () => {
    const spans = parseSpans([seed], opts);
    assert.equal(spans.length, 1);
    const s = spans[0];
    assert.match(s.trace_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.match(s.span_id, /^[0-9a-f-]{36}$/);
    assert.notEqual(s.trace_id, s.span_id);
    assert.deepEqual(
      { ...s, trace_id: "", span_id: "" },
      // ids are generated; times default to "ended at receipt"
      seedStoredSpan({ trace_id: "", span_id: "", started_at: NOW - 1240, ended_at: NOW }),
    );
  });

  test("accepts a single object or an array; an empty array is no spans", () => {
    assert.equal(parseSpans(seed, opts).length, 1);
    assert.equal(parseSpans([seed, seed, seed], opts).length, 3);
    assert.deepEqual(parseSpans([], opts), []);
  });

  test("rejects bodies and elements that are not span objects", () => {
    for (const b of [null, 1, "x", true]) rejects(b, "body must be a span object or an array of span objects");
    rejects([seed, [seed]], "spans[1]: must be a span object");
    rejects([seed, null], "spans[1]: must be a span object");
  });

  test("model is required and non-empty", () => {
    rejects([seed, { prompt_tokens: 1 }], "spans[1].model: is required and must be a non-empty string");
    rejects({ model: "", prompt_tokens: 1 }, "spans[0].model: is required and must be a non-empty string");
    rejects({ model: "  ", prompt_tokens: 1 }, "spans[0].model: is required and must be a non-empty string");
    rejects({ model: 4, prompt_tokens: 1 }, "spans[0].model: is required and must be a non-empty string");
    rejects({ model: "m".repeat(4097), prompt_tokens: 1 }, "spans[0].model: longer than 4096 characters");
  });

  test("name defaults to the model", () => {
    assert.equal(one({}).name, "gpt-4o");
    assert.equal(one({ name: "" }).name, "gpt-4o");
    assert.equal(one({ name: "step" }).name, "step");
    rejects({ model: "x", prompt_tokens: 1, name: 3 }, "spans[0].name: must be a string");
  });

  test("provider is inferred from the model when absent", () => {
    assert.equal(one({ model: "claude-sonnet-4-5" }).provider, "anthropic");
    assert.equal(one({ model: "my-finetune" }).provider, null);
    assert.equal(one({ model: "claude-x", provider: "bedrock" }).provider, "bedrock");
    rejects({ model: "x", prompt_tokens: 1, provider: 1 }, "spans[0].provider: must be a string");
  });

  describe("tokens", () => {
    test("at least one count is required", () => {
      rejects(
        [seed, seed, { model: "gpt-4o" }],
        "spans[2].prompt_tokens: at least one of prompt_tokens, comp_tokens, total_tokens is required",
      );
      rejects(
        { model: "gpt-4o", prompt_tokens: null },
        "spans[0].prompt_tokens: at least one of prompt_tokens, comp_tokens, total_tokens is required",
      );
    });

    test("total = prompt + completion when absent; missing side derived from total", () => {
      const t = (x: Record<string, unknown>) => {
        const s = one({ prompt_tokens: undefined, ...x });
        return [s.prompt_tokens, s.comp_tokens, s.total_tokens];
      };
      assert.deepEqual(t({ prompt_tokens: 5, comp_tokens: 7 }), [5, 7, 12]);
      assert.deepEqual(t({ prompt_tokens: 5 }), [5, 0, 5]);
      assert.deepEqual(t({ comp_tokens: 7 }), [0, 7, 7]);
      assert.deepEqual(t({ total_tokens: 9 }), [0, 0, 9]);
      assert.deepEqual(t({ prompt_tokens: 5, total_tokens: 9 }), [5, 4, 9]);
      assert.deepEqual(t({ comp_tokens: 4, total_tokens: 9 }), [5, 4, 9]);
      assert.deepEqual(t({ prompt_tokens: 0, comp_tokens: 0 }), [0, 0, 0]);
    });

    test("a total that disagrees is a 400", () => {
      rejects(
        { model: "m", prompt_tokens: 5, comp_tokens: 7, total_tokens: 13 },
        "spans[0].total_tokens: must equal prompt_tokens + comp_tokens (5 + 7), got 13",
      );
      rejects(
        { model: "m", prompt_tokens: 10, total_tokens: 9 },
        "spans[0].total_tokens: must equal prompt_tokens + comp_tokens (10 + ?), got 9",
      );
    });

    test("counts must be integers >= 0", () => {
      for (const f of ["prompt_tokens", "comp_tokens", "total_tokens", "cached_tokens", "reasoning_tokens"]) {
        for (const bad of [-1, 1.5, "3", Number.NaN, Number.POSITIVE_INFINITY, true, {}, 2 ** 60]) {
          rejects([seed, seed, { ...seed, [f]: bad }], `spans[2].${f}: must be an integer >= 0`);
        }
      }
    });

    test("cached is part of prompt, reasoning part of completion", () => {
      const s = one({ prompt_tokens: 100, comp_tokens: 50, cached_tokens: 100, reasoning_tokens: 50 });
      assert.equal(s.cached_tokens, 100);
      assert.equal(s.reasoning_tokens, 50);
      rejects(
        { model: "m", prompt_tokens: 100, cached_tokens: 101 },
        "spans[0].cached_tokens: must not exceed prompt_tokens (100)",
      );
      rejects(
        { model: "m", prompt_tokens: 100, comp_tokens: 5, reasoning_tokens: 6 },
        "spans[0].reasoning_tokens: must not exceed comp_tokens (5)",
      );
    });
  });

  describe("cost_usd", () => {
    test("computed through opts.price when absent, with the token breakdown", () => {
      priced.length = 0;
      const s = one({ prompt_tokens: 100, comp_tokens: 20, cached_tokens: 40, reasoning_tokens: 10, started_at: 1000 });
      assert.equal(s.cost_usd, 0.00448);
      assert.deepEqual(priced, [
        {
          model: "gpt-4o",
          provider: "openai",
          prompt_tokens: 100,
          comp_tokens: 20,
          cached_tokens: 40,
          reasoning_tokens: 10,
          at: 1000,
        },
      ]);
    });

    test("unknown model → null (unpriced), explicit null stays null, explicit 0 stays 0", () => {
      assert.equal(one({ model: "my-finetune" }).cost_usd, null);
      priced.length = 0;
      assert.equal(one({ cost_usd: null }).cost_usd, null);
      assert.equal(one({ cost_usd: 0 }).cost_usd, 0);
      assert.equal(priced.length, 0, "an explicit cost is never re-priced");
    });

    test("must be a finite number >= 0", () => {
      for (const bad of [-0.01, "0.1", Number.NaN, Number.POSITIVE_INFINITY, 1e6, {}]) {
        rejects({ ...seed, cost_usd: bad }, "spans[0].cost_usd: must be a number >= 0 and < 1000000, or null");
      }
    });
  });

  test("unknown top-level fields are ignored", () => {
    const s = one({ foo: 1, eval_score: 9 });
    assert.equal(s.eval_score, null);
    assert.equal("foo" in s, false);
  });

  test("all or nothing: a bad span anywhere rejects the batch", () => {
    const batch = [seed, seed, seed, { ...seed, status: "nope" }];
    assert.throws(() => parseSpans(batch, opts), /spans\[3\]\.status/);
  });

  describe("allowNoModel (non-LLM spans, OTLP)", () => {
    const noModel = { ...opts, allowNoModel: true };

    test("a span without a model: model, provider and cost null, tokens 0, never priced", () => {
      priced.length = 0;
      const [s] = parseSpans({ name: "retrieve", latency_ms: 12, caller: "rag" }, noModel);
      assert.equal(s.model, null);
      assert.equal(s.provider, null);
      assert.equal(s.cost_usd, null);
      assert.deepEqual([s.prompt_tokens, s.comp_tokens, s.total_tokens], [0, 0, 0]);
      assert.equal(s.name, "retrieve");
      assert.equal(s.latency_ms, 12);
      assert.equal(priced.length, 0);
      assert.equal(parseSpans({}, noModel)[0].name, "(unnamed)");
    });

    test("the other fields are still checked; a model, when given, is an LLM span as usual", () => {
      assert.throws(() => parseSpans({ status: "nope" }, noModel), /spans\[0\]\.status/);
      assert.throws(() => parseSpans({ model: "" }, noModel), /spans\[0\]\.model: is required/);
      assert.equal(parseSpans({ model: "gpt-4o", prompt_tokens: 1 }, noModel)[0].provider, "openai");
    });

    test("off by default: POST /spans still requires a model", () => {
      rejects({ prompt_tokens: 1 }, "spans[0].model: is required and must be a non-empty string");
    });
  });
});

describe("time bounds (spans dated far ahead or before the retention)", () => {
  const HOUR = 3_600_000;
  const bounded = { ...opts, maxFutureMs: HOUR, retentionMs: 30 * 24 * HOUR };
  const at = (ms: number) => new Date(ms).toISOString();

  test("a start more than ingest.max_future ahead is 400 naming the field", () => {
    assert.throws(() => parseSpans([{ model: "gpt-4o", prompt_tokens: 1, started_at: at(NOW + HOUR + 1) }], bounded), {
      message: "spans[0].started_at: more than ingest.max_future (1h) ahead of the server's clock",
    });
    assert.equal(one({ started_at: at(NOW + HOUR) }, bounded).started_at, NOW + HOUR, "the bound itself is accepted");
  });

  test("a start older than the retention is 400 naming the field", () => {
    assert.throws(
      () =>
        parseSpans(
          [
            { model: "gpt-4o", prompt_tokens: 1 },
            { model: "gpt-4o", prompt_tokens: 1, started_at: at(NOW - 30 * 24 * HOUR - 1) },
          ],
          bounded,
        ),
      { message: "spans[1].started_at: older than the retention (30d) by the server's clock" },
    );
    assert.equal(one({ started_at: at(NOW - 30 * 24 * HOUR) }, bounded).started_at, NOW - 30 * 24 * HOUR);
  });

  test("a start derived from ended_at names ended_at", () => {
    assert.throws(() => one({ ended_at: at(NOW + 3 * HOUR), latency_ms: 1000 }, bounded), {
      message: "spans[0].ended_at: more than ingest.max_future (1h) ahead of the server's clock",
    });
  });

  test("without bounds (the SDK's own use) any start is kept", () => {
    assert.equal(one({ started_at: at(NOW + 48 * HOUR) }).started_at, NOW + 48 * HOUR);
  });
});

describe("validation is complete before the store (issue 12)", () => {
  test("finding: a span whose computed cost overflows the cost column is a 400 naming cost_usd, never a 503", () => {
    const o = { ...opts, price: () => 1_000_000 };
    assert.throws(
      () => parseSpans({ model: "gpt-4o", prompt_tokens: 1 }, o),
      (e: unknown) =>
        e instanceof ApiError &&
        e.status === 400 &&
        e.message ===
          "spans[0].cost_usd: computed from the tokens and the model's price it is 1000000 USD; the cost column holds less than 1000000",
    );
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      assert.throws(() => parseSpans({ model: "gpt-4o", prompt_tokens: 1 }, { ...opts, price: () => bad }), /cost_usd/);
    }
    assert.equal(
      parseSpans({ model: "gpt-4o", prompt_tokens: 1 }, { ...opts, price: () => 999_999.99 })[0].cost_usd,
      999_999.99,
    );
  });

  test("finding: a token count whose rollup sums could overflow BIGINT is a 400 naming the field", () => {
    rejects({ model: "gpt-4o", prompt_tokens: 400_000_000_000 }, "spans[0].prompt_tokens: must be at most 1000000000");
    rejects(
      { model: "gpt-4o", comp_tokens: Number.MAX_SAFE_INTEGER },
      "spans[0].comp_tokens: must be at most 1000000000",
    );
    rejects(
      { model: "gpt-4o", prompt_tokens: 600_000_000, comp_tokens: 600_000_000 },
      "spans[0].total_tokens: prompt_tokens + comp_tokens (1200000000) must be at most 1000000000",
    );
    rejects({ model: "gpt-4o", total_tokens: 1_000_000_001 }, "spans[0].total_tokens: must be at most 1000000000");
    assert.equal(one({ prompt_tokens: 1_000_000_000 }).total_tokens, 1_000_000_000);
  });

  test("finding: a NUL character in any string of a span is a 400 naming the field", () => {
    const nul = "contains a NUL character (\\u0000)";
    rejects({ model: "gpt\u0000-4o", prompt_tokens: 1 }, `spans[0].model: ${nul}`);
    rejects({ model: "gpt-4o", prompt_tokens: 1, name: "a\u0000" }, `spans[0].name: ${nul}`);
    rejects({ model: "gpt-4o", prompt_tokens: 1, provider: "\u0000" }, `spans[0].provider: ${nul}`);
    rejects({ model: "gpt-4o", prompt_tokens: 1, caller: "c\u0000" }, `spans[0].caller: ${nul}`);
    rejects({ model: "gpt-4o", prompt_tokens: 1, attributes: { a: "x\u0000y" } }, `spans[0].attributes.a: ${nul}`);
    rejects(
      { model: "gpt-4o", prompt_tokens: 1, attributes: { user: { "id\u0000": 1 } } },
      `spans[0].attributes.user.id\\u0000: key ${nul}`,
    );
    rejects(
      { model: "gpt-4o", prompt_tokens: 1, trace_id: "\u0000" },
      "spans[0].trace_id: must be a UUID or 32 hex digits",
    );
    assert.throws(
      () => parseSpans({ model: "gpt-4o", prompt_tokens: 1 }, { ...opts, defaultCaller: "svc\u0000" }),
      /caller/,
    );
  });

  test("finding: a lone surrogate in an attribute (or any string) is a 400 naming the field; a surrogate pair is kept", () => {
    rejects(
      { model: "gpt-4o", prompt_tokens: 1, attributes: { a: "x\ud800" } },
      "spans[0].attributes.a: contains a lone surrogate (\\ud800), which is not valid Unicode",
    );
    rejects(
      { model: "gpt-4o", prompt_tokens: 1, attributes: { "\udc00k": true } },
      "spans[0].attributes.\\udc00k: key contains a lone surrogate (\\udc00), which is not valid Unicode",
    );
    rejects(
      { model: "gpt-4o", prompt_tokens: 1, name: "\udfff\ud83d" },
      "spans[0].name: contains a lone surrogate (\\udfff), which is not valid Unicode",
    );
    const s = one({ name: "smile \ud83d\ude00", attributes: { "k\ud83d\ude00": "v\ud83d\ude00" } });
    assert.equal(s.name, "smile 😀");
    assert.deepEqual(s.attributes, { "k😀": "v😀" });
  });
});
