import { type Config, DEFAULT_CONFIG } from "../config/types.js";
import type { Span } from "../span/types.js";
import { BatchProcessor, type ProcessorOptions } from "./processor.js";
import { type ExportResult, failure, SUCCESS, type Transport } from "./transports/types.js";
import type { TracerConfig } from "./types.js";

interface Running {
  url: string;
  submit(spans: Span[]): Promise<void>;
  close(): Promise<void>;
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

// Loaded on first use so an app that never sets httpServer never loads Fastify or DuckDB.
async function start(config: Config, codeRules: unknown[], transportName: string): Promise<Running> {
  const { parseAddr, startServer } = await import("../server/index.js");
  // checked here so the message names the tracer option, not the server's http_server.addr
  if (parseAddr(config.http_server.addr) === null) {
    throw new Error(`httpServer.addr ${JSON.stringify(config.http_server.addr)} is not host:port`);
  }
  const server = await startServer(config, { codeRules, transportName });
  return { url: server.url, submit: (spans) => server.runtime.ingest.submit(spans), close: () => server.close() };
}

/**
 * The HTTP API of the server inside the app, over the tracer's own spans: they go through
 * the runtime's ingestor (group commit) like spans posted to it, in their own queue so a
 * slow or failing user transport does not hold them back.
 */
export class InProcessServer {
  private readonly running: Promise<Running | null>;
  private readonly processor: BatchProcessor;
  private closed: Promise<void> | null = null;

  constructor(tc: TracerConfig, transportName: string, opts: ProcessorOptions) {
    const config = inProcessConfig(tc);
    this.running = start(config, tc.alerts ?? [], transportName).catch((err: unknown) => {
      opts.warn(
        `tokentrace: the in-process HTTP server did not start: ${err instanceof Error ? err.message : String(err)}`,
      );
      return null;
    });
    const sink: Transport = {
      name: "in-process",
      export: async (spans): Promise<ExportResult> => {
        const r = await this.running;
        if (r === null) return failure("the in-process server is not running");
        try {
          await r.submit(spans);
          return SUCCESS;
        } catch (err) {
          return failure(String(err));
        }
      },
    };
    this.processor = new BatchProcessor(sink, {
      ...opts,
      maxBatchSize: config.http_server.max_batch_size,
      retry: { maxAttempts: 1 },
    });
  }

  add(span: Span): void {
    this.processor.add(span);
  }

  async url(): Promise<string | null> {
    return (await this.running)?.url ?? null;
  }

  flush(): Promise<void> {
    return this.processor.flush();
  }

  shutdown(): Promise<void> {
    this.closed ??= (async () => {
      await this.processor.shutdown();
      await (await this.running)?.close().catch(() => undefined);
    })();
    return this.closed;
  }
}
