import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Span } from "../span/types.js";
import { DEFAULT_RETRY, exportWithRetry } from "./retry.js";
import { type ExportResult, failure, retryable, SUCCESS, type Transport } from "./transports/types.js";

function scripted(results: ExportResult[]): Transport & { batches: Span[][] } {
  const batches: Span[][] = [];
  return {
    name: "scripted",
    batches,
    async export(spans) {
      batches.push(spans);
      return results.shift() ?? SUCCESS;
    },
  };
}

function deps() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };
}

describe("exportWithRetry", () => {
  test("honours Retry-After, else doubles a jittered backoff (equal jitter) up to the cap; same batch object each time", async () => {
    const t = scripted([retryable("429", 7000), retryable("503"), retryable("503"), retryable("net"), SUCCESS]);
    const d = deps();
    const batch: Span[] = [];
    const policy = { ...DEFAULT_RETRY, initialBackoffMs: 1000, maxBackoffMs: 3000 };
    const r = await exportWithRetry(t, batch, policy, new AbortController().signal, d);
    assert.deepEqual(r, SUCCESS);
    assert.deepEqual(d.sleeps, [7000, 1500, 2250, 2250]);
    assert.ok(t.batches.every((b) => b === batch));
  });

  test("a failure is not retried; maxAttempts turns endless retrying into a failure", async () => {
    const d = deps();
    const r1 = await exportWithRetry(scripted([failure("400")]), [], DEFAULT_RETRY, new AbortController().signal, d);
    assert.equal(r1.kind, "failure");
    const r2 = await exportWithRetry(
      scripted([retryable("a"), retryable("b"), retryable("c")]),
      [],
      { ...DEFAULT_RETRY, maxAttempts: 2 },
      new AbortController().signal,
      d,
    );
    assert.equal(r2.kind, "failure");
    assert.match(r2.kind === "failure" ? r2.error : "", /gave up after 2 attempts: b/);
  });

  test("a transport that throws counts as a failure; an abort stops retrying", async () => {
    const thrower: Transport = {
      name: "x",
      export: () => {
        throw new Error("bug");
      },
    };
    const r = await exportWithRetry(thrower, [], DEFAULT_RETRY, new AbortController().signal, deps());
    assert.equal(r.kind, "failure");
    const ac = new AbortController();
    ac.abort();
    const r2 = await exportWithRetry(scripted([retryable("down")]), [], DEFAULT_RETRY, ac.signal, deps());
    assert.equal(r2.kind, "retryable");
  });
});
