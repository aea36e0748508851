import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inferProvider } from "./provider.js";

describe("inferProvider", () => {
  const cases: Record<string, string | null> = {
    "gpt-4o": "openai",
    "gpt-4o-mini": "openai",
    o1: "openai",
    "o3-mini": "openai",
    "o4-mini": "openai",
    "chatgpt-4o-latest": "openai",
    "text-embedding-3-small": "openai",
    "claude-sonnet-4-5": "anthropic",
    "gemini-2.5-flash": "google",
    "models/gemini-1.5-pro": "google",
    "mistral-large-latest": "mistral",
    "open-mixtral-8x7b": "mistral",
    "codestral-latest": "mistral",
    "command-r-plus": "cohere",
    "Llama-3.3-70B-Instruct": "meta",
    "meta-llama/llama-3.1-8b": "meta",
    "deepseek-chat": "deepseek",
    "grok-4": "xai",
    "openai/gpt-4o": "openai",
    "my-finetune": null,
    o5x: null,
    "go1-model": null,
  };
  for (const [model, provider] of Object.entries(cases)) {
    test(`${model} → ${provider}`, () => assert.equal(inferProvider(model), provider));
  }
});
