import assert from "node:assert/strict";
import { test } from "node:test";
import { type AttemptResult, backoffMs, DEFAULT_RETRY, type RetryHooks, withRetry } from "./retry.js";

function script(results: AttemptResult[]) {
  const waits: number[] = [];
  let calls = 0;
  const hooks: RetryHooks = {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  };
  const attempt = async () => results[Math.min(calls++, results.length - 1)];
  return { hooks, attempt, waits, calls: () => calls };
}

const RETRY: AttemptResult = { kind: "retryable", error: "HTTP 503", httpStatus: 503 };
const OK: AttemptResult = { kind: "success", httpStatus: 200 };

test("retries retryable results until success", async () => {
  const s = script([RETRY, RETRY, OK]);
  const out = await withRetry(s.attempt, DEFAULT_RETRY, s.hooks, new AbortController().signal);
  assert.deepEqual(out, { result: OK, attempts: 3 });
  // 1 s then 2 s, each 3/4 of the way with random 0.5 under equal jitter
  assert.deepEqual(s.waits, [750, 1500]);
});

test("a failure (other 4xx) is not retried", async () => {
  const fail: AttemptResult = { kind: "failure", error: "HTTP 400", httpStatus: 400 };
  const s = script([fail, OK]);
  const out = await withRetry(s.attempt, DEFAULT_RETRY, s.hooks, new AbortController().signal);
  assert.deepEqual(out, { result: fail, attempts: 1 });
  assert.deepEqual(s.waits, []);
});

test("gives up after maxAttempts with the last error", async () => {
  const s = script([RETRY]);
  const out = await withRetry(s.attempt, { ...DEFAULT_RETRY, maxAttempts: 4 }, s.hooks, new AbortController().signal);
  assert.equal(out.attempts, 4);
  assert.equal(out.result.kind, "retryable");
  assert.equal(s.waits.length, 3);
});

test("Retry-After wins over the backoff, up to the cap", async () => {
  const s = script([
    { ...RETRY, retryAfterMs: 7000 },
    { ...RETRY, retryAfterMs: 3_600_000 },
    { ...RETRY, retryAfterMs: 0 },
    OK,
  ]);
  await withRetry(s.attempt, DEFAULT_RETRY, s.hooks, new AbortController().signal);
  assert.deepEqual(s.waits, [7000, 30_000, 0]);
});

test("backoff doubles, is capped and jittered between half and all of it", () => {
  const p = { maxAttempts: 10, initialBackoffMs: 1000, maxBackoffMs: 5000 };
  assert.equal(backoffMs(1, p, 0), 500);
  assert.equal(backoffMs(1, p, 0.999), 1000);
  assert.equal(backoffMs(3, p, 0), 2000);
  assert.equal(backoffMs(8, p, 0.999), 4998);
  assert.equal(backoffMs(8, p, 0), 2500);
});

test("stops when aborted (shutdown)", async () => {
  const ac = new AbortController();
  const s = script([RETRY]);
  s.hooks.sleep = async () => ac.abort();
  const out = await withRetry(s.attempt, DEFAULT_RETRY, s.hooks, ac.signal);
  assert.equal(out.attempts, 1);
  assert.match((out.result as { error: string }).error, /shutting down/);
});
