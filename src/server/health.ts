import { statfs } from "node:fs/promises";
import { dirname } from "node:path";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "./context.js";

export interface HealthBody {
  status: "ok" | "unavailable";
  reason?: string;
  version: string;
  uptime_s: number;
  span_count: number | null;
  transport: string;
  queue_depth: number;
  /** Free bytes on the volume of the DuckDB file; null for PostgreSQL and memory, or when unreadable. */
  disk_free_bytes: number | null;
}

/** Bytes an unprivileged writer may still use on the volume holding `file`, or null. */
async function freeBytes(file: string): Promise<number | null> {
  try {
    const st = await statfs(dirname(file));
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

// A file path (two or more segments) or a URL's user:password@: internals a client must not see.
const PATH = /(?:[A-Za-z]:)?(?:[\\/][^\s'"\\/:]+){2,}[\\/]?/g;
const USERINFO = /\/\/[^\s/@]+@/g;

/** The store's reason without file paths or credentials (the server log keeps the full text). */
export function publicReason(reason: string): string {
  return reason.replace(USERINFO, "//").replace(PATH, "<path>");
}

/**
 * The health body: 200 "ok" while the store can write, 503 "unavailable" with the reason
 * (disk full, database unreachable) until it recovers.
 */
async function checkHealth(ctx: AppContext): Promise<{ code: 200 | 503; body: HealthBody }> {
  const storeHealth = ctx.store.health();
  let reason = storeHealth.ok ? undefined : (storeHealth.reason ?? "the store cannot write");
  let spanCount: number | null = null;
  try {
    spanCount = await ctx.store.countSpans();
  } catch (err) {
    reason ??= `the store cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  const common = {
    version: ctx.version,
    uptime_s: Math.max(0, Math.floor((ctx.now() - ctx.startedAt) / 1000)),
    span_count: spanCount,
    transport: ctx.transport ?? ctx.store.driver,
    queue_depth: ctx.ingest.queueDepth,
    disk_free_bytes: ctx.store.driver === "duckdb" ? await freeBytes(ctx.config.storage.path) : null,
  };
  if (reason !== undefined) {
    return { code: 503, body: { status: "unavailable", reason: publicReason(reason), ...common } };
  }
  return { code: 200, body: { status: "ok", ...common } };
}

/** GET /health */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get("/health", async (_request, reply) => {
    const { code, body } = await checkHealth(ctx);
    return reply.code(code).send(body);
  });
}
