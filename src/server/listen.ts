import { parseAddr } from "../config/addr.js";
import type { Config } from "../config/types.js";
import { buildApp } from "./app.js";
import { type OtlpListener, startOtlpListener } from "./otlp-listener.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "./runtime.js";

export interface RunningServer {
  /** Base URL clients can use, e.g. http://127.0.0.1:9090 (loopback when listening on every interface). */
  url: string;
  port: number;
  /** Base URL of the OTLP-only listener when config.otlp.addr is set, else null. */
  otlpUrl: string | null;
  /** The context behind the server (store, ingestor, alerts), e.g. to submit spans in process. */
  runtime: Runtime;
  /** Stops accepting, finishes in-flight requests, commits everything accepted, closes the store. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts the HTTP API on config.http_server.addr.
 *
 * @example const server = await startServer(config); console.log(server.url); await server.close();
 */
export async function startServer(config: Config, opts: RuntimeOptions = {}): Promise<RunningServer> {
  const addr = parseAddr(config.http_server.addr);
  if (addr === null) {
    throw new Error(`http_server.addr ${JSON.stringify(config.http_server.addr)} is not host:port (e.g. ":9090")`);
  }
  const runtime = await createRuntime(config, opts);
  let port: number;
  let otlp: OtlpListener | null = null;
  const app = await buildApp(runtime);
  try {
    await app.listen({ host: addr.host, port: addr.port });
    const bound = app.server.address();
    port = typeof bound === "object" && bound !== null ? bound.port : addr.port;
    if (config.otlp.addr) {
      otlp = await startOtlpListener(runtime, config.otlp.addr);
    }
  } catch (err) {
    await app.close().catch(() => undefined);
    await runtime.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost(addr.host)}:${port}`,
    port,
    otlpUrl: otlp?.url ?? null,
    runtime,
    close() {
      // In-flight requests finish (their spans commit) before the ingestor drains.
      closing ??= Promise.all([app.close(), otlp?.close()]).then(() => runtime.close());
      return closing;
    },
  };
}
