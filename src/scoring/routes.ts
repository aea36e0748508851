import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import type { ScoreHistogram } from "../metrics/score-histogram.js";
import { isScoreName, parseScore, toApiScore } from "../score/parse.js";
import type { ScoreStore } from "../score/types.js";
import { parseScoreQuery } from "./query.js";
import { createScoreWriter } from "./writer.js";

export interface ScoreRouteOptions {
  store: { scores: ScoreStore };
  /** The clock: a score's created_at, and the end of GET /scores windows. */
  now: () => number;
  /** The Prometheus score histogram: told of every new score committed. */
  scoreCounts: Pick<ScoreHistogram, "observe">;
}

const createdSchema = {
  201: { type: "object", properties: { score_id: { type: "string" } }, required: ["score_id"] },
} as const;

/** POST /scores, DELETE /scores/{id}, GET /scores. */
export async function scoreRoutes(app: FastifyInstance, ctx: ScoreRouteOptions): Promise<void> {
  const writer = createScoreWriter(ctx.store.scores, { onCommit: (added) => ctx.scoreCounts.observe(added) });

  app.post("/scores", { schema: { response: createdSchema } }, async (request, reply) => {
    const score = parseScore(request.body, ctx.now(), randomUUID);
    await writer.submit(score);
    return reply.code(201).send({ score_id: score.score_id });
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
