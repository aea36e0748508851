import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import type { ScoreHistogram } from "../metrics/score-histogram.js";
import { isScoreName, parseScore, toApiScore } from "../score/parse.js";
import type { Score, ScoreStore } from "../score/types.js";
import { parseScoreQuery } from "./query.js";
import { createScoreWriter } from "./writer.js";

export interface ScoreRouteOptions {
  store: { scores: ScoreStore };
  /** http_server.max_batch_size: the most scores one POST /scores array may carry. */
  config: { http_server: { max_batch_size: number } };
  /** The clock: a score's created_at, and the end of GET /scores windows. */
  now: () => number;
  /** The Prometheus score histogram: told of every new score committed. */
  scoreCounts: Pick<ScoreHistogram, "observe">;
}

const createdSchema = {
  201: {
    type: "object",
    properties: { score_id: { type: "string" }, score_ids: { type: "array", items: { type: "string" } } },
  },
} as const;

/**
 * The scores of a POST /scores body: one object, or an array of them (all or nothing: the
 * first bad one is a 400 naming its index and field, and none is stored).
 */
function parseBody(body: unknown, now: number, maxBatch: number): { scores: Score[]; many: boolean } {
  if (!Array.isArray(body)) return { scores: [parseScore(body, now, randomUUID)], many: false };
  if (body.length === 0) throw new ApiError("invalid_score", "body: an empty array holds no score");
  if (body.length > maxBatch) {
    throw new ApiError(
      "batch_too_large",
      `${body.length} scores in one request; http_server.max_batch_size is ${maxBatch}`,
    );
  }
  const scores = body.map((b, i) => {
    try {
      return parseScore(b, now, randomUUID);
    } catch (e) {
      if (e instanceof ApiError) throw new ApiError("invalid_score", `scores[${i}].${e.message}`);
      throw e;
    }
  });
  return { scores, many: true };
}

/** POST /scores (one score, or an array of them), DELETE /scores/{id}, GET /scores. */
export async function scoreRoutes(app: FastifyInstance, ctx: ScoreRouteOptions): Promise<void> {
  const writer = createScoreWriter(ctx.store.scores, { onCommit: (added) => ctx.scoreCounts.observe(added) });

  app.post("/scores", { schema: { response: createdSchema } }, async (request, reply) => {
    const { scores, many } = parseBody(request.body, ctx.now(), ctx.config.http_server.max_batch_size);
    // one commit for the request's scores: a 503 means none is stored, so a retry adds none twice
    await writer.submit(scores);
    const ids = scores.map((s) => s.score_id);
    return reply.code(201).send(many ? { score_ids: ids } : { score_id: ids[0] });
  });

  app.delete<{ Params: { id: string } }>("/scores/:id", async (request, reply) => {
    const id = request.params.id;
    // An id POST /scores would refuse can never have been stored: a 404 like an unknown one.
    const ok = isScoreName(id) && (await ctx.store.scores.deleteScore(id));
    if (!ok) throw new ApiError("score_not_found", `score ${JSON.stringify(id)} not found`);
    return reply.code(204).send();
  });

  app.get("/scores", async (request) => {
    const q = parseScoreQuery(request.query as Record<string, unknown>, ctx.now());
    const scores = await ctx.store.scores.listScores(q);
    return { scores: scores.map(toApiScore) };
  });
}
