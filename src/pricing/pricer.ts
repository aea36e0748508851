import type { PriceOverride } from "../config/types.js";
import { roundCost } from "../stats/cost.js";
import { type FlatPrice, type Resolution, resolve, tablePrice } from "./table.js";
import type { PriceInput, Pricer } from "./types.js";

function fromOverride(o: PriceOverride): FlatPrice {
  return {
    input: o.input_per_mtok,
    output: o.output_per_mtok,
    cacheRead: o.cached_input_per_mtok ?? o.input_per_mtok,
    cacheWrite: o.cache_write_per_mtok ?? o.input_per_mtok,
  };
}

/** (uncached input × input + cache reads × cache-read + cache writes × cache-write + output × output) / 1e6. */
function flatCost(p: FlatPrice, u: PriceInput): number | null {
  const cached = u.cached_tokens ?? 0;
  const written = u.cache_write_tokens ?? 0;
  const uncached = u.prompt_tokens - cached - written;
  if (uncached < 0) return null;
  const sum = uncached * p.input + cached * p.cacheRead + written * p.cacheWrite + u.comp_tokens * p.output;
  // 12 decimals (the stored precision) removes float noise such as 0.7124999999999999
  return roundCost(sum / 1e6);
}

const MEMO_MAX = 4096;

/**
 * Builds the cost function used for spans that carry no cost_usd. Config overrides
 * (keyed by model name, per-Mtok USD) win over the @pydantic/genai-prices table; a model
 * found in neither is unpriced (null), never 0. Never throws.
 *
 * @example createPricer({})({ model: "gpt-4o", provider: "openai", prompt_tokens: 512, comp_tokens: 128 }) // 0.00256
 */
export function createPricer(overrides: Record<string, PriceOverride>): Pricer {
  const own = new Map<string, FlatPrice>();
  for (const [model, o] of Object.entries(overrides)) {
    own.set(model, fromOverride(o));
    own.set(model.toLowerCase(), fromOverride(o));
  }
  // Resolving a model in the table costs ~10 µs; the ingest path sees the same few models again and again.
  const memo = new Map<string, Resolution>();

  return (u: PriceInput): number | null => {
    const o = own.get(u.model) ?? own.get(u.model.toLowerCase());
    if (o !== undefined) return flatCost(o, u);
    const key = `${u.provider ?? ""}\u0000${u.model}`;
    let r = memo.get(key);
    if (r === undefined) {
      try {
        r = resolve(u.model, u.provider);
      } catch {
        r = { kind: "unpriced" };
      }
      if (memo.size >= MEMO_MAX) memo.clear();
      memo.set(key, r);
    }
    if (r.kind === "unpriced") return null;
    if (r.kind === "flat") return flatCost(r.price, u);
    const cost = tablePrice(u.model, r.providerId, u);
    return cost === null ? null : roundCost(cost);
  };
}
