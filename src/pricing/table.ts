import { calcPrice, findProvider, type ModelPrice, type Usage } from "@pydantic/genai-prices";
import type { PriceInput } from "./types.js";

/** Per-Mtok prices of a model whose price is plain numbers (no tiers, dates or per-request fees). */
export interface FlatPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** How a (provider, model) pair resolved in the price table; cached per pair. */
export type Resolution =
  | { kind: "unpriced" }
  | { kind: "flat"; price: FlatPrice }
  // Tiered, dated or per-request prices: every call goes through calcPrice.
  | { kind: "table"; providerId: string | undefined };

function flat(p: ModelPrice): FlatPrice | null {
  if (p.requests_kcount !== undefined) return null;
  for (const v of Object.values(p)) if (v !== undefined && typeof v !== "number") return null;
  const input = p.input_mtok as number | undefined;
  if (input === undefined) return null;
  // Unpriced sub-units are billed at their parent's rate, as calcPrice does.
  return {
    input,
    output: (p.output_mtok as number | undefined) ?? 0,
    cacheRead: (p.cache_read_mtok as number | undefined) ?? input,
    cacheWrite: (p.cache_write_mtok as number | undefined) ?? input,
  };
}

/**
 * Finds the model in @pydantic/genai-prices. A provider the table does not know (e.g. a
 * private gateway) falls back to matching on the model name alone; a provider it knows
 * but that lacks the model stays unpriced rather than borrowing another provider's price.
 */
export function resolve(model: string, provider: string | null): Resolution {
  let providerId: string | undefined;
  if (provider !== null && findProvider({ providerId: provider }) !== undefined) providerId = provider;
  const r = calcPrice({ input_tokens: 0, output_tokens: 0 }, model, providerId ? { providerId } : {});
  if (r === null) return { kind: "unpriced" };
  const f = Array.isArray(r.model.prices) ? null : flat(r.model_price);
  return f ? { kind: "flat", price: f } : { kind: "table", providerId };
}

/** The usage object calcPrice wants: input_tokens INCLUDES cache reads and writes, like prompt_tokens. */
function toUsage(u: PriceInput): Usage {
  const usage: Usage = { input_tokens: u.prompt_tokens, output_tokens: u.comp_tokens };
  if (u.cached_tokens) usage.cache_read_tokens = u.cached_tokens;
  if (u.cache_write_tokens) usage.cache_write_tokens = u.cache_write_tokens;
  return usage;
}

/** Cost through calcPrice itself (tiers, dated prices); null when it cannot price the call. */
export function tablePrice(model: string, providerId: string | undefined, u: PriceInput): number | null {
  try {
    const timestamp = u.at === undefined ? undefined : new Date(u.at);
    const r = calcPrice(toUsage(u), model, { providerId, timestamp });
    return r === null ? null : r.total_price;
  } catch {
    // Inconsistent usage (e.g. cache tokens above input): unpriced, never a throw into ingest.
    return null;
  }
}
