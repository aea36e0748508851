import assert from "node:assert/strict";
import { ApiError } from "../../errors.js";
import type { PriceInput } from "../../pricing/types.js";
import { type NormalizeOptions, parseSpans } from "../normalize.js";
import { SEED_SPAN } from "./seed.js";

export const NOW = Date.UTC(2026, 2, 15, 14, 23, 2, 681);
export const priced: PriceInput[] = [];
export const opts: NormalizeOptions = {
  now: NOW,
  qualityKey: "eval.score",
  defaultCaller: "svc-default",
  price: (u) => {
    priced.push(u);
    return u.model === "gpt-4o" ? 0.00448 : null;
  },
};

export const seed = SEED_SPAN;

export function one(extra: Record<string, unknown>, o: NormalizeOptions = opts) {
  const [s] = parseSpans({ model: "gpt-4o", prompt_tokens: 10, ...extra }, o);
  return s;
}

export function rejects(body: unknown, message: string) {
  assert.throws(
    () => parseSpans(body, opts),
    (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, "invalid_span");
      assert.equal(e.status, 400);
      assert.equal(e.message, message);
      return true;
    },
  );
}
