import { randomUUID } from "node:crypto";
import { createPricer } from "../pricing/index.js";
import type { PriceInput, Pricer } from "../pricing/types.js";
import type { Span } from "../span/types.js";
import { type BudgetFetch, type BudgetHandle, type BudgetOptions, budgetHandle, fetchBudget } from "./budget.js";
import { type CaptureSettings, captureSettings } from "./content.js";
import { currentContext } from "./context.js";
import { type ExitFlushable, flushAtExit, forgetAtExit } from "./exit.js";
import { stampIdentity, type TraceOptions } from "./identity.js";
import { InProcessServer } from "./inprocess.js";
import { noopTracer } from "./noop.js";
import { BatchProcessor, type ProcessorOptions } from "./processor.js";
import type { RecorderCore } from "./record.js";
import { Refusals } from "./refusals.js";
import { registerTracer } from "./registry.js";
import { type ScoreInput, toWireScore, type WireScore } from "./score.js";
import { recordCompleted, runSpan, SpanImpl } from "./span.js";
import { failure, type Sink, type Transport } from "./transports/types.js";
import type { LLMCall, SpanHandle, TraceHandle, Tracer, TracerConfig, TracerStats } from "./types.js";

function warner(fn: ((m: string) => void) | undefined): (m: string) => void {
  const sink = fn ?? ((m: string) => console.warn(m));
  return (m) => {
    try {
      sink(m);
    } catch {
      // a throwing logger must not reach the host app
    }
  };
}

class TracerImpl implements Tracer, RecorderCore, ExitFlushable {
  readonly enabled = true;
  readonly service: string | null;
  readonly scoreAttribute: string;
  readonly transportName: string;
  readonly captureByDefault: boolean;
  readonly capture: CaptureSettings;
  private readonly pricer: Pricer;
  private readonly processor: BatchProcessor<Span> | null;
  private readonly scores: BatchProcessor<WireScore> | null;
  private readonly refused: Refusals;
  private readonly refusedIds: Refusals;
  private readonly server: InProcessServer | null;
  private readonly shutdownTimeoutMs: number;
  private readonly transport: Transport | null;
  private readonly serverToken: string | null;
  private readonly warn: (m: string) => void;
  private recorded = 0;
  private closed: Promise<void> | null = null;

  constructor(config: TracerConfig) {
    this.service = config.service ?? null;
    this.scoreAttribute = config.scoreAttribute ?? "eval.score";
    this.shutdownTimeoutMs = config.shutdownTimeoutMs ?? 5000;
    this.pricer = createPricer(config.pricing?.overrides ?? {});
    const c = captureSettings(config.captureContent, config.redact);
    this.capture = c.settings;
    this.captureByDefault = c.on;
    const opts: ProcessorOptions = {
      maxQueueSize: config.maxQueueSize ?? 2048,
      maxBatchSize: config.maxBatchSize ?? 1000,
      flushIntervalMs: config.flushIntervalMs ?? 1000,
      shutdownTimeoutMs: this.shutdownTimeoutMs,
      retry: config.retry ?? {},
      warn: warner(config.onWarning),
    };
    this.transport = config.transport ?? null;
    this.serverToken = config.httpServer?.auth_token ?? null;
    this.warn = opts.warn;
    this.processor = config.transport ? new BatchProcessor(config.transport, opts, stampIdentity) : null;
    this.scores = config.transport ? scoreProcessor(config.transport, opts) : null;
    this.refused = new Refusals(opts.warn, "score");
    this.refusedIds = new Refusals(opts.warn, "session or user id");
    this.transportName = config.transport?.name ?? "memory";
    this.server = config.httpServer ? new InProcessServer(config, this.transportName, opts) : null;
    flushAtExit(this);
  }

  recordedCount(): number {
    return this.recorded;
  }

  hasUnsent(): boolean {
    return (
      (this.processor?.hasUnsent() ?? false) ||
      (this.scores?.hasUnsent() ?? false) ||
      (this.server?.hasUnsent() ?? false)
    );
  }

  price(input: PriceInput): number | null {
    return this.pricer(input);
  }

  emit(span: Span): void {
    this.recorded++;
    this.processor?.add(span);
    this.server?.add(span);
  }

  refuseId(reason: string): void {
    this.refusedIds.note(reason);
  }

  trace<T>(name: string, fn: (trace: TraceHandle) => T | Promise<T>, options?: TraceOptions): Promise<T> {
    return runSpan(this.startTrace(name, options) as SpanImpl, fn);
  }

  startTrace(name: string, options?: TraceOptions): TraceHandle {
    return new SpanImpl(this, randomUUID(), name, null, options);
  }

  span<T>(name: string, fn: (span: SpanHandle) => T | Promise<T>): Promise<T> {
    const owner = currentContext()?.owner;
    return owner instanceof SpanImpl ? owner.span(name, fn) : this.trace(name, fn);
  }

  recordLLMCall(call: LLMCall): void {
    recordCompleted(this, currentContext(), call);
  }

  budget(name: string, opts: BudgetOptions = {}): BudgetHandle {
    const server = this.server;
    const transport = this.transport;
    const fetchOne: BudgetFetch | null = server
      ? async (n, q) => {
          const url = await server.url();
          return url === null
            ? "the in-process server is not listening"
            : fetchBudget(url, this.serverToken, 10_000, n, q);
        }
      : transport?.readBudget
        ? (n, q) => (transport.readBudget as NonNullable<Transport["readBudget"]>)(n, q)
        : null;
    return budgetHandle(name, opts, fetchOne, this.warn);
  }

  score(input: ScoreInput): void {
    try {
      const w = toWireScore(input);
      if (typeof w === "string") {
        this.refused.note(w);
        return;
      }
      this.scores?.add(w);
      this.server?.addScore(w);
    } catch {
      // never into the host app
    }
  }

  currentTrace(): TraceHandle | undefined {
    const root = currentContext()?.root;
    return root instanceof SpanImpl ? root : undefined;
  }

  stats(): TracerStats {
    const p = this.processor?.stats() ?? { exported: 0, dropped: 0, failed: 0, queued: 0 };
    return { recorded: this.recorded, ...p };
  }

  serverUrl(): Promise<string | null> {
    return this.server?.url() ?? Promise.resolve(null);
  }

  async flush(): Promise<void> {
    await Promise.all([this.processor?.flush(), this.scores?.flush(), this.server?.flush()]);
  }

  shutdown(): Promise<void> {
    forgetAtExit(this);
    // Scores first, beside the spans' flush, for the span processor closes the transport (a
    // file); one deadline for both.
    this.closed ??= (async () => {
      const deadline = Date.now() + this.shutdownTimeoutMs;
      await Promise.all([this.scores?.shutdown(), this.processor?.flush(), this.server?.shutdown()]);
      await this.processor?.shutdown(Math.max(0, deadline - Date.now()));
    })();
    return this.closed;
  }
}

/** Scores through the transport's exportScores, queued and retried like spans; dropped with a warning without one. */
function scoreProcessor(transport: Transport, opts: ProcessorOptions): BatchProcessor<WireScore> {
  let warned = false;
  const sink: Sink<WireScore> = {
    name: transport.name,
    target: transport.target,
    minQueueSize: transport.minQueueSize,
    export: async (scores) => {
      if (transport.exportScores !== undefined) return transport.exportScores(scores);
      if (!warned)
        opts.warn(`tokentrace: the ${transport.name} transport cannot send scores (no exportScores); dropping them`);
      warned = true;
      return failure("the transport has no exportScores");
    },
  };
  return new BatchProcessor(sink, { ...opts, noun: "scores" });
}

/**
 * Creates a tracer. Without a transport (and without httpServer) it is a no-op: traces run
 * the code and nothing is recorded. The newest tracer is the default for wrapped clients.
 *
 * @example
 * const tracer = createTracer({ service: "summarizer", transport: new HttpTransport({ url: "http://localhost:9090" }) });
 * const openai = wrapOpenAI(new OpenAI());
 */
export function createTracer(config: TracerConfig = {}): Tracer {
  if (!config.transport && !config.httpServer) {
    const t = noopTracer(config.service ?? null);
    registerTracer(t, null);
    return t;
  }
  const t = new TracerImpl(config);
  registerTracer(t, t);
  return t;
}
