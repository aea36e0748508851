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
  const { buildApp, createRuntime, parseAddr } = await import("../server/index.js");
  const addr = parseAddr(config.http_server.addr);
  if (addr === null) throw new Error(`httpServer.addr ${JSON.stringify(config.http_server.addr)} is not host:port`);
  const runtime = await createRuntime(config, { codeRules, transportName });
  const app = await buildApp(runtime);
  try {
    await app.listen({ host: addr.host, port: addr.port });
  } catch (err) {
    await app.close().catch(() => undefined);
    await runtime.close();
    throw err;
  }
  const bound = app.server.address();
  const port = typeof bound === "object" && bound !== null ? bound.port : addr.port;
  const host = addr.host === "0.0.0.0" || addr.host === "::" ? "127.0.0.1" : addr.host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    submit: (spans) => runtime.ingest.submit(spans),
    close() {
      closing ??= app.close().then(() => runtime.close());
      return closing;
    },
  };
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
