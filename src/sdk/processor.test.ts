import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Span } from "../span/types.js";
import { BatchProcessor, type ProcessorOptions } from "./processor.js";
import { type ExportResult, SUCCESS, type Transport } from "./transports/types.js";

const span = (i: number) => ({ span_id: String(i) }) as Span;

function gated(): Transport & { batches: Span[][]; open(): void } {
  let release: () => void = () => {};
  let gate = new Promise<void>((r) => {
    release = r;
  });
  const batches: Span[][] = [];
  return {
    name: "gated",
    batches,
    maxBatchSize: 10,
    async export(spans): Promise<ExportResult> {
      await gate;
      batches.push(spans);
      return SUCCESS;
    },
    open() {
      release();
      gate = Promise.resolve();
    },
  };
}

const OPTS: ProcessorOptions = {
  maxQueueSize: 25,
  maxBatchSize: 1000,
  flushIntervalMs: 60_000,
  shutdownTimeoutMs: 1000,
  retry: {},
  warn: () => {},
};

describe("BatchProcessor", () => {
  test("an app recording in a tight loop gets full batches, not an export per span", async () => {
    const sizes: number[] = [];
    const instant: Transport = {
      name: "instant",
      async export(spans) {
        sizes.push(spans.length);
        return SUCCESS;
      },
    };
    const p = new BatchProcessor(instant, { ...OPTS, maxQueueSize: 100_000, maxBatchSize: 100 });
    for (let i = 0; i < 1050; i++) {
      p.add(span(i));
      await Promise.resolve(); // the app awaits between calls, as a wrapped client does
    }
    assert.deepEqual(sizes, Array(10).fill(100), "the 50 left wait for the timer or a flush");
    await p.flush();
    assert.deepEqual(sizes.slice(10), [50]);
    await p.shutdown();
  });

  test("bounded queue: past maxQueueSize spans are dropped and counted; the rest arrive exactly once", async () => {
    const t = gated();
    const warnings: string[] = [];
    const p = new BatchProcessor(t, { ...OPTS, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 100; i++) p.add(span(i));
    // one batch of 10 is in flight, 25 wait, 65 are dropped
    assert.deepEqual(p.stats(), { exported: 0, dropped: 65, failed: 0, queued: 25 });
    assert.equal(warnings.length, 1);
    t.open();
    await p.flush();
    const ids = t.batches.flat().map((s) => Number(s.span_id));
    assert.deepEqual(
      ids,
      Array.from({ length: 35 }, (_, i) => i),
    );
    assert.ok(t.batches.every((b) => b.length <= 10));
    assert.deepEqual(p.stats(), { exported: 35, dropped: 65, failed: 0, queued: 0 });
    await p.shutdown();
  });

  test("shutdown gives up after its timeout and counts what it could not send", async () => {
    const t = gated();
    const p = new BatchProcessor(t, { ...OPTS, shutdownTimeoutMs: 20 });
    for (let i = 0; i < 15; i++) p.add(span(i));
    await p.shutdown();
    assert.equal(p.stats().dropped, 15); // the stuck batch and the spans queued behind it
    assert.equal(p.stats().queued, 0);
    await p.shutdown();
  });

  test("permanent failures are counted, not retried", async () => {
    let calls = 0;
    const t: Transport = {
      name: "bad",
      async export() {
        calls++;
        return { kind: "failure", error: "HTTP 400" };
      },
    };
    const warnings: string[] = [];
    const p = new BatchProcessor(t, { ...OPTS, warn: (m) => warnings.push(m) });
    p.add(span(1));
    p.add(span(2));
    await p.flush();
    assert.equal(calls, 1);
    assert.equal(p.stats().failed, 2);
    assert.match(warnings[0], /2 spans not sent by the bad transport: HTTP 400/);
  });
});
