import type { Config } from "../config/types.js";
import type { InProcessRunning } from "../sdk/inprocess.js";
import { startServer } from "./listen.js";

/**
 * The server a tracer with `httpServer` runs inside the app; its own spans go through the
 * runtime's ingestor (group commit) like spans posted to it.
 *
 * @example const running = await startInProcess(config, [], "memory"); await running.close();
 */
export async function startInProcess(
  config: Config,
  codeRules: unknown[],
  transportName: string,
): Promise<InProcessRunning> {
  const server = await startServer(config, { codeRules, transportName });
  return { url: server.url, submit: (spans) => server.runtime.ingest.submit(spans), close: () => server.close() };
}
