import { randomUUID } from "node:crypto";
import type { Config } from "../config/types.js";
import { parseScore } from "../score/parse.js";
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
  const rt = server.runtime;
  return {
    url: server.url,
    submit: (spans) => rt.ingest.submit(spans),
    // checked again as POST /scores would: created_at is the server's receive time
    submitScores: async (scores) => {
      const added = await rt.store.scores.upsertScores(scores.map((w) => parseScore(w, rt.now(), randomUUID)));
      rt.scoreCounts.observe(added);
    },
    close: () => server.close(),
  };
}
