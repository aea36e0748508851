import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { calcPrice, waitForUpdate } from "@pydantic/genai-prices";
import { roundCost } from "../stats/cost.js";
import { createPricer } from "./pricer.js";
import type { PriceInput } from "./types.js";

const price = createPricer({
  "my-finetune": { input_per_mtok: 3, output_per_mtok: 12, cached_input_per_mtok: 1.5 },
  "gpt-4o-override-test": { input_per_mtok: 1, output_per_mtok: 1 },
});
const call = (u: Partial<PriceInput> & { model: string }) =>
  price({ provider: null, prompt_tokens: 0, comp_tokens: 0, ...u });

// Expected values are worked by hand from the providers' published per-Mtok USD prices.
describe("golden prices", () => {
  test("gpt-4o: $2.50 in / $10 out", () => {
    // (512 × 2.50 + 128 × 10) / 1e6 = (1280 + 1280) / 1e6
    assert.equal(call({ model: "gpt-4o", provider: "openai", prompt_tokens: 512, comp_tokens: 128 }), 0.00256);
    // provider inferred or absent: same price
    assert.equal(call({ model: "gpt-4o", prompt_tokens: 512, comp_tokens: 128 }), 0.00256);
  });

  test("gpt-4o-mini with cached tokens: $0.15 in / $0.075 cached / $0.60 out", () => {
    // prompt 10000 includes 4000 cached: (6000 × 0.15 + 4000 × 0.075 + 500 × 0.60) / 1e6 = (900 + 300 + 300) / 1e6
    const u = {
      model: "gpt-4o-mini",
      provider: "openai",
      prompt_tokens: 10_000,
      cached_tokens: 4000,
      comp_tokens: 500,
    };
    assert.equal(call(u), 0.0015);
    // without the cache discount it would be (10000 × 0.15 + 300) / 1e6
    assert.equal(call({ ...u, cached_tokens: 0 }), 0.0018);
  });

  test("o4-mini with reasoning tokens: $1.10 in / $4.40 out, reasoning billed as output", () => {
    // comp 3000 includes 2500 reasoning: (2000 × 1.10 + 3000 × 4.40) / 1e6 = (2200 + 13200) / 1e6
    const u = { model: "o4-mini", provider: "openai", prompt_tokens: 2000, comp_tokens: 3000, reasoning_tokens: 2500 };
    assert.equal(call(u), 0.0154);
  });

  test("claude-sonnet-4-5 with cache reads and writes: $3 in / $0.30 read / $3.75 write / $15 out", () => {
    // prompt 26000 = 1000 uncached + 20000 cache read + 5000 cache write:
    // (1000 × 3 + 20000 × 0.30 + 5000 × 3.75 + 800 × 15) / 1e6 = (3000 + 6000 + 18750 + 12000) / 1e6
    const u = {
      model: "claude-sonnet-4-5",
      provider: "anthropic",
      prompt_tokens: 26_000,
      cached_tokens: 20_000,
      cache_write_tokens: 5000,
      comp_tokens: 800,
    };
    assert.equal(call(u), 0.03975);
    assert.equal(call({ ...u, model: "claude-sonnet-4-5-20250929" }), 0.03975, "dated snapshot name");
  });

  test("claude-sonnet-4-5 above 200k input tokens: long-context $6 / $0.60 / $22.50", () => {
    // prompt 250000 = 200000 uncached + 50000 cache read: (200000 × 6 + 50000 × 0.60 + 1000 × 22.50) / 1e6
    const u = { model: "claude-sonnet-4-5", provider: "anthropic", prompt_tokens: 250_000, cached_tokens: 50_000 };
    assert.equal(call({ ...u, comp_tokens: 1000 }), 1.2525);
  });

  test("gemini-2.5-flash: $0.30 in / $2.50 out; gemini-2.5-pro: $1.25 / $10 up to 200k", () => {
    // (100000 × 0.30 + 2000 × 2.50) / 1e6 = (30000 + 5000) / 1e6
    assert.equal(
      call({ model: "gemini-2.5-flash", provider: "google", prompt_tokens: 100_000, comp_tokens: 2000 }),
      0.035,
    );
    // (1000 × 1.25 + 1000 × 10) / 1e6 = 11250 / 1e6
    assert.equal(
      call({ model: "gemini-2.5-pro", provider: "google", prompt_tokens: 1000, comp_tokens: 1000 }),
      0.01125,
    );
  });

  test("config overrides win over the table", () => {
    // prompt 1000 includes 200 cached: (800 × 3 + 200 × 1.5 + 500 × 12) / 1e6 = (2400 + 300 + 6000) / 1e6
    assert.equal(call({ model: "my-finetune", prompt_tokens: 1000, cached_tokens: 200, comp_tokens: 500 }), 0.0087);
    assert.equal(call({ model: "MY-FINETUNE", prompt_tokens: 1000, comp_tokens: 0 }), 0.003, "case-insensitive");
    const p = createPricer({ "gpt-4o": { input_per_mtok: 1, output_per_mtok: 1 } });
    // (512 × 1 + 128 × 1) / 1e6
    assert.equal(p({ model: "gpt-4o", provider: "openai", prompt_tokens: 512, comp_tokens: 128 }), 0.00064);
  });

  test("unknown models are unpriced (null), never 0", () => {
    assert.equal(call({ model: "totally-unknown-model", prompt_tokens: 100, comp_tokens: 10 }), null);
    assert.equal(call({ model: "totally-unknown-model", provider: "openai", prompt_tokens: 100 }), null);
    // the table knows the provider but not this model there: unpriced, not another provider's price
    assert.equal(call({ model: "claude-sonnet-4-5", provider: "openai", prompt_tokens: 100 }), null);
    // a provider the table does not know falls back to matching the model alone
    assert.equal(call({ model: "gpt-4o", provider: "my-gateway", prompt_tokens: 512, comp_tokens: 128 }), 0.00256);
  });

  test("zero tokens cost exactly 0 for a known model", () => {
    assert.equal(call({ model: "gpt-4o", provider: "openai" }), 0);
  });

  test("inconsistent usage is unpriced rather than a throw", () => {
    assert.equal(call({ model: "gpt-4o", prompt_tokens: 10, cached_tokens: 8, cache_write_tokens: 8 }), null);
    assert.equal(
      call({ model: "claude-sonnet-4-5", provider: "anthropic", prompt_tokens: 10, cached_tokens: 20 }),
      null,
    );
  });
});

test("roundCost removes float noise at 12 decimals", () => {
  assert.equal(roundCost(0.7124999999999999), 0.7125);
  assert.equal(roundCost(0.1 + 0.2), 0.3);
  assert.equal(roundCost(1e-13), 0);
});

test("matches calcPrice for every model in the bundled table (to 1e-12)", async () => {
  const providers = await waitForUpdate();
  assert.ok(providers && providers.length > 10);
  const pricer = createPricer({});
  const at = Date.UTC(2026, 0, 15, 12);
  let compared = 0;
  for (const p of providers) {
    for (const m of p.models) {
      for (const usage of [
        { prompt_tokens: 123_457, cached_tokens: 23_456, cache_write_tokens: 1234, comp_tokens: 54_321 },
        { prompt_tokens: 250_001, cached_tokens: 1, comp_tokens: 7 },
      ]) {
        const u: PriceInput = { model: m.id, provider: p.id, at, ...usage };
        const usageForTable = {
          input_tokens: u.prompt_tokens,
          output_tokens: u.comp_tokens,
          cache_read_tokens: u.cached_tokens ?? undefined,
          cache_write_tokens: u.cache_write_tokens ?? undefined,
        };
        let want: number | null;
        try {
          const r = calcPrice(usageForTable, m.id, { providerId: p.id, timestamp: new Date(at) });
          want = r === null ? null : roundCost(r.total_price);
        } catch {
          want = null;
        }
        const got = pricer(u);
        if (want === null) assert.equal(got, null, `${p.id}/${m.id}`);
        else {
          assert.ok(got !== null && Math.abs(got - want) < 1e-12, `${p.id}/${m.id}: got ${got}, want ${want}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 1000, `compared ${compared}`);
});
