// Ordered: the first pattern that matches the model's last path segment names the provider.
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(gpt-|chatgpt-|text-embedding-|o[134](-|$))/, "openai"],
  [/^claude-/, "anthropic"],
  [/^gemini-/, "google"],
  [/^command(-|$)/, "cohere"],
  [/(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral)/, "mistral"],
  [/llama/, "meta"],
  [/deepseek/, "deepseek"],
  [/grok/, "xai"],
];

// Model names repeat endlessly on the ingest path; a bounded memo avoids the regex walk.
const memo = new Map<string, string | null>();
const MEMO_MAX = 4096;

/**
 * Guesses the provider from a model name (case-insensitive; a router prefix such as
 * "openai/" or "models/" is skipped). Returns null when nothing matches.
 *
 * @example inferProvider("gpt-4o-mini") // "openai"
 */
export function inferProvider(model: string): string | null {
  const hit = memo.get(model);
  if (hit !== undefined) return hit;
  const lower = model.toLowerCase();
  const last = lower.slice(lower.lastIndexOf("/") + 1);
  let found: string | null = null;
  for (const [re, provider] of RULES) {
    if (re.test(last)) {
      found = provider;
      break;
    }
  }
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(model, found);
  return found;
}
