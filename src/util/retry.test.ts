import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffMs, parseRetryAfter, type RetryHooks, type RetryResult, sleep, withRetry } from "./retry.js";

const POLICY = { maxAttempts: 5, initialBackoffMs: 1000, maxBackoffMs: 30_000 };

function script(results: RetryResult[]) {
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

const RETRY: RetryResult = { kind: "retryable", error: "HTTP 503", afterMs: null, httpStatus: 503 };
const OK: RetryResult = { kind: "success", httpStatus: 200 };
const live = () => new AbortController().signal;

test("retries retryable results until success", async () => {
  const s = script([RETRY, RETRY, OK]);
  const out = await withRetry(s.attempt, POLICY, s.hooks, live());
  assert.deepEqual(out, { result: OK, attempts: 3, stopped: false });
  // 1 s then 2 s, each 3/4 of the way with random 0.5 under equal jitter
  assert.deepEqual(s.waits, [750, 1500]);
});

test("a failure is not retried", async () => {
  const fail: RetryResult = { kind: "failure", error: "HTTP 400", httpStatus: 400 };
  const s = script([fail, OK]);
  assert.deepEqual(await withRetry(s.attempt, POLICY, s.hooks, live()), { result: fail, attempts: 1, stopped: false });
  assert.deepEqual(s.waits, []);
});

test("gives up after maxAttempts with the last result", async () => {
  const s = script([RETRY]);
  const out = await withRetry(s.attempt, { ...POLICY, maxAttempts: 4 }, s.hooks, live());
  assert.equal(out.attempts, 4);
  assert.equal(out.result.kind, "retryable");
  assert.equal(s.waits.length, 3);
});

test("Retry-After wins over the backoff, up to maxRetryAfterMs (default maxBackoffMs)", async () => {
  const s = script([{ ...RETRY, afterMs: 7000 }, { ...RETRY, afterMs: 3_600_000 }, { ...RETRY, afterMs: 0 }, OK]);
  await withRetry(s.attempt, POLICY, s.hooks, live());
  assert.deepEqual(s.waits, [7000, 30_000, 0]);
  const t = script([{ ...RETRY, afterMs: 7000 }, { ...RETRY, afterMs: 3_600_000 }, OK]);
  await withRetry(t.attempt, { ...POLICY, maxBackoffMs: 3000, maxRetryAfterMs: 300_000 }, t.hooks, live());
  assert.deepEqual(t.waits, [7000, 300_000]);
});

test("backoff doubles, is capped and jittered between half and all of it", () => {
  const p = { maxAttempts: 10, initialBackoffMs: 1000, maxBackoffMs: 5000 };
  assert.equal(backoffMs(1, p, 0), 500);
  assert.equal(backoffMs(1, p, 0.999), 1000);
  assert.equal(backoffMs(3, p, 0), 2000);
  assert.equal(backoffMs(8, p, 0.999), 4998);
  assert.equal(backoffMs(8, p, 0), 2500);
  assert.equal(backoffMs(500, p, 0.5), 3750);
});

test("stops when aborted (shutdown), keeping the last result", async () => {
  const ac = new AbortController();
  const s = script([RETRY]);
  s.hooks.sleep = async () => ac.abort();
  const out = await withRetry(s.attempt, POLICY, s.hooks, ac.signal);
  assert.deepEqual(out, { result: RETRY, attempts: 1, stopped: true });
});

test("Retry-After takes seconds (with fractions) or an HTTP date", () => {
  const now = Date.parse("2026-03-15T12:00:00Z");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 1.5 ", now), 1500);
  assert.equal(parseRetryAfter(new Date(now + 5000).toUTCString(), now), 5000);
  assert.equal(parseRetryAfter(new Date(now - 5000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter("soon", now), null);
  assert.equal(parseRetryAfter("", now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

test("sleep does not hold the process open and ends at once on abort", async () => {
  const ac = new AbortController();
  const started = performance.now();
  const slept = sleep(60_000, ac.signal);
  ac.abort();
  await slept;
  assert.ok(performance.now() - started < 60_000);
  await sleep(1, new AbortController().signal);
});
