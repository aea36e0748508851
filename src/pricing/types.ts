/**
 * What the pricer needs to know about one call.
 *
 * Token convention (the one OpenAI reports and every tokentrace span uses):
 * - `prompt_tokens` INCLUDES `cached_tokens` (cache reads) and `cache_write_tokens`;
 *   the Anthropic wrapper adds Anthropic's separately reported cache read/write counts
 *   into prompt_tokens before building a span.
 * - `comp_tokens` INCLUDES `reasoning_tokens` (reasoning is billed as output).
 */
export interface PriceInput {
  model: string;
  provider: string | null;
  prompt_tokens: number;
  comp_tokens: number;
  cached_tokens?: number | null;
  cache_write_tokens?: number | null;
  reasoning_tokens?: number | null;
  /** Epoch ms of the call, so dated price changes apply; defaults to the table's current prices. */
  at?: number;
}

/** Returns the cost in USD rounded to 12 decimals, or null when the model has no known price. */
export type Pricer = (u: PriceInput) => number | null;
