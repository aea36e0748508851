import { parseAddr } from "../config/addr.js";
import { type Config, DEFAULT_CONFIG } from "../config/types.js";
import type { Span } from "../span/types.js";
import { stampIdentity } from "./identity.js";
import { BatchProcessor, type ProcessorOptions } from "./processor.js";
import type { WireScore } from "./score.js";
import { type ExportResult, failure, type Sink, SUCCESS } from "./transports/types.js";
import type { TracerConfig } from "./types.js";

/** A started in-process server: its URL, a way to commit spans, and its shutdown. */
export interface InProcessRunning {
  url: string;
  submit(spans: Span[]): Promise<void>;
  /** Commits scores (the body of POST /scores each) to the server's store. */
  submitScores(scores: WireScore[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts the server on a config; the package entry provides it so the SDK never imports the server. */
export type InProcessStarter = (
  config: Config,
  codeRules: unknown[],
  transportName: string,
) => Promise<InProcessRunning>;

let starter: (() => Promise<InProcessStarter>) | null = null;

/**
 * Tells the SDK how to load the server for `httpServer` (done by the package entry, lazily,
 * so an app that never sets httpServer never loads Fastify or DuckDB).
 *
 * @example provideInProcessServer(async () => (await import("./server/in-process.js")).startInProcess);
 */
export function provideInProcessServer(load: () => Promise<InProcessStarter>): void {
  starter = load;
}

/** The tokentrace server config for `httpServer` in a tracer config: a memory store unless one is given. */
export function inProcessConfig(tc: TracerConfig): Config {
  const hs = tc.httpServer ?? { addr: DEFAULT_CONFIG.http_server.addr };
  return {
    ...DEFAULT_CONFIG,
    service: tc.service ?? null,
    http_server: {
      ...DEFAULT_CONFIG.http_server,
      addr: hs.addr,
      auth_token: hs.auth_token ?? null,
      max_batch_size: hs.max_batch_size ?? DEFAULT_CONFIG.http_server.max_batch_size,
    },
    storage: hs.storage ?? { ...DEFAULT_CONFIG.storage, driver: "memory" },
    quality: { score_attribute: tc.scoreAttribute ?? DEFAULT_CONFIG.quality.score_attribute },
    pricing: { overrides: { ...(tc.pricing?.overrides ?? {}) } },
  };
}

async function start(config: Config, codeRules: unknown[], transportName: string): Promise<InProcessRunning> {
  // checked here so the message names the tracer option, not the server's http_server.addr
  if (parseAddr(config.http_server.addr) === null) {
    throw new Error(`httpServer.addr ${JSON.stringify(config.http_server.addr)} is not host:port`);
  }
  if (starter === null)
    throw new Error("the server is not part of this build (import the SDK from the tokentrace package)");
  return (await starter())(config, codeRules, transportName);
}

/**
 * The HTTP API of the server inside the app, over the tracer's own spans: they go through
 * the runtime's ingestor (group commit) like spans posted to it, in their own queue so a
 * slow or failing user transport does not hold them back.
 */
export class InProcessServer {
  private readonly running: Promise<InProcessRunning | null>;
  private readonly processor: BatchProcessor<Span>;
  private readonly scores: BatchProcessor<WireScore>;
  private closed: Promise<void> | null = null;

  constructor(tc: TracerConfig, transportName: string, opts: ProcessorOptions) {
    const config = inProcessConfig(tc);
    this.running = start(config, tc.alerts ?? [], transportName).catch((err: unknown) => {
      opts.warn(
        `tokentrace: the in-process HTTP server did not start: ${err instanceof Error ? err.message : String(err)}`,
      );
      return null;
    });
    const sink = this.sink<Span>((r, spans) => r.submit(spans));
    this.processor = new BatchProcessor(
      sink,
      { ...opts, maxBatchSize: config.http_server.max_batch_size, retry: { maxAttempts: 1 } },
      stampIdentity,
    );
    const scoreSink = this.sink<WireScore>((r, scores) => r.submitScores(scores));
    this.scores = new BatchProcessor(scoreSink, { ...opts, retry: { maxAttempts: 1 }, noun: "scores" });
  }

  /** Where a queue of this server sends: the running server, once started. */
  private sink<T>(submit: (r: InProcessRunning, items: T[]) => Promise<void>): Sink<T> {
    return {
      name: "in-process",
      export: async (items): Promise<ExportResult> => {
        const r = await this.running;
        if (r === null) return failure("the in-process server is not running");
        try {
          await submit(r, items);
          return SUCCESS;
        } catch (err) {
          return failure(String(err));
        }
      },
    };
  }

  add(span: Span): void {
    this.processor.add(span);
  }

  addScore(score: WireScore): void {
    this.scores.add(score);
  }

  hasUnsent(): boolean {
    return this.processor.hasUnsent() || this.scores.hasUnsent();
  }

  async url(): Promise<string | null> {
    return (await this.running)?.url ?? null;
  }

  async flush(): Promise<void> {
    await Promise.all([this.processor.flush(), this.scores.flush()]);
  }

  shutdown(): Promise<void> {
    this.closed ??= (async () => {
      await Promise.all([this.processor.shutdown(), this.scores.shutdown()]);
      await (await this.running)?.close().catch(() => undefined);
    })();
    return this.closed;
  }
}
