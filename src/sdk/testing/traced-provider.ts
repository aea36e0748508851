// The setup every provider-wrapper test shares: a fake provider HTTP server for the file,
// and a fresh memory transport and tracer for each test.
import { after, afterEach, before, beforeEach } from "node:test";
import OpenAI from "openai";
import type { Span } from "../../span/types.js";
import { wrapOpenAI } from "../instrument/openai.js";
import { createTracer } from "../tracer.js";
import { MemoryTransport } from "../transports/memory.js";
import type { Tracer } from "../types.js";
import { type FakeProvider, startFakeProvider } from "./fake-provider.js";

export interface TracedProvider {
  /** The fake provider, started once for the file. */
  readonly fake: FakeProvider;
  /** This test's transport and tracer (service as given, timer flushes off). */
  readonly mem: MemoryTransport;
  readonly tracer: Tracer;
  /** Flushes the tracer, then every span it has sent. */
  spans(): Promise<Span[]>;
}

/**
 * Registers the node:test hooks; call it at the top of a test file, before its own
 * beforeEach (which then sees this test's tracer).
 *
 * @example const sdk = useTracedProvider("chat-api"); beforeEach(() => { client = wrap(sdk.tracer); });
 */
export function useTracedProvider(service: string): TracedProvider {
  let fake: FakeProvider | undefined;
  let mem: MemoryTransport | undefined;
  let tracer: Tracer | undefined;
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("useTracedProvider: used outside a test");
    return v;
  };
  before(async () => {
    fake = await startFakeProvider();
  });
  after(() => fake?.close());
  beforeEach(() => {
    mem = new MemoryTransport();
    tracer = createTracer({ service, transport: mem, flushIntervalMs: 60_000 });
  });
  afterEach(() => tracer?.shutdown());
  return {
    get fake() {
      return need(fake);
    },
    get mem() {
      return need(mem);
    },
    get tracer() {
      return need(tracer);
    },
    async spans() {
      await need(tracer).flush();
      return need(mem).spans();
    },
  };
}

/** A real OpenAI client pointed at the fake provider, and the same client wrapped by this test's tracer. */
export function wrappedOpenAI(sdk: TracedProvider): { raw: OpenAI; openai: OpenAI } {
  const raw = new OpenAI({ baseURL: `${sdk.fake.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
  return { raw, openai: wrapOpenAI(raw, { tracer: sdk.tracer }) };
}
