import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import { toApiScore } from "../score/parse.js";
import { normalizeTraceId } from "../span/ids.js";
import type { Store } from "../store/store.js";
import { parseContentQuery, searchByContent, wantsContent, withContent } from "./content.js";
import { encodeCursor } from "./cursor.js";
import { parseTraceQuery } from "./query.js";
import { renderTrace } from "./render.js";

export interface TraceRouteOptions {
  store: Pick<Store, "getTrace" | "searchTraces" | "content" | "scores">;
  /** The clock: content search windows end now by default. */
  now: () => number;
}

/** GET /traces/{id} and GET /traces. */
export async function traceRoutes(app: FastifyInstance, ctx: TraceRouteOptions): Promise<void> {
  app.get<{ Params: { id: string } }>("/traces/:id", async (request) => {
    // A malformed id can never have been recorded, so it is a 404 like an unknown one.
    const id = normalizeTraceId(request.params.id);
    const spans = id === null ? [] : await ctx.store.getTrace(id);
    if (id === null || spans.length === 0) {
      throw new ApiError("trace_not_found", `trace ${JSON.stringify(request.params.id)} not found`);
    }
    const [trace, scores] = await Promise.all([
      wantsContent(request.query as Record<string, unknown>)
        ? withContent(renderTrace(spans), ctx.store.content)
        : renderTrace(spans),
      ctx.store.scores.traceScores(id),
    ]);
    // the seed page's fields first, then the trace's scores, oldest first
    return { ...trace, scores: scores.map(toApiScore) };
  });

  app.get("/traces", async (request) => {
    const query = request.query as Record<string, unknown>;
    const cq = parseContentQuery(query, ctx.now());
    const q = cq?.rest ?? parseTraceQuery(query);
    const result = cq === null ? await ctx.store.searchTraces(q) : await searchByContent(ctx.store, cq);
    const traces = result.traces.filter((t) => t.length > 0);
    const last = traces.at(-1);
    return {
      traces: traces.map(renderTrace),
      limit: q.limit,
      offset: q.offset,
      has_more: result.hasMore,
      // Content search orders by its own index: it pages with offset only.
      next_cursor: result.hasMore && cq === null && last !== undefined ? encodeCursor(last) : null,
    };
  });
}
