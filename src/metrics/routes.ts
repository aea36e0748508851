import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config/types.js";
import type { Store } from "../store/store.js";
import { parseFilter, parseGroupBy } from "./params.js";
import { PROMETHEUS_CONTENT_TYPE, prometheusText } from "./prometheus.js";
import { type MetricsRequest, metricByName, overview } from "./query.js";
import type { ScoreHistogram } from "./score-histogram.js";
import { parseScoreMetrics } from "./score-params.js";
import { scoreMetrics } from "./scores.js";
import { series } from "./series.js";
import { parseStep, parseWindow } from "./window.js";

type Query = Record<string, unknown>;

function readRequest(query: Query, maxGroups: number, extra: string[] = []): MetricsRequest {
  return {
    window: parseWindow(query.window),
    filter: parseFilter(query, ["window", "groupby", ...extra]),
    grouping: parseGroupBy(query),
    maxGroups,
  };
}

const queryOf = (req: FastifyRequest): Query => (req.query ?? {}) as Query;

/**
 * GET /metrics, /metrics/prometheus, /metrics/scores, /metrics/{name}, /metrics/{name}/series. Windows end at
 * ctx.now(), so tests with a fixed clock get fixed answers.
 */
export interface MetricRouteOptions {
  store: Store;
  /** metrics.max_groups (GET /metrics, /metrics/{name}) and metrics.max_series_groups (series). */
  config: { metrics: Pick<Config["metrics"], "max_groups" | "max_series_groups"> };
  /** The clock windows end at. */
  now: () => number;
  /** When the server started (the Prometheus start-time gauge). */
  startedAt: number;
  /** The Prometheus score histogram (tokentrace_score). */
  scoreCounts?: ScoreHistogram;
}

export async function metricRoutes(app: FastifyInstance, ctx: MetricRouteOptions): Promise<void> {
  const { max_groups, max_series_groups } = ctx.config.metrics;
  app.get("/metrics", async (req) => overview(ctx.store, readRequest(queryOf(req), max_groups), ctx.now()));

  app.get("/metrics/prometheus", async (_req, reply) => {
    const text = await prometheusText(ctx.store, ctx.startedAt, ctx.scoreCounts);
    return reply.header("content-type", PROMETHEUS_CONTENT_TYPE).send(text);
  });

  // a static route: it wins over /metrics/:name
  app.get("/metrics/scores", async (req) =>
    scoreMetrics(ctx.store.scores, parseScoreMetrics(queryOf(req), max_groups), ctx.now()),
  );
  app.get<{ Params: { name: string } }>("/metrics/:name", async (req) =>
    metricByName(ctx.store, req.params.name, readRequest(queryOf(req), max_groups), ctx.now()),
  );

  app.get<{ Params: { name: string } }>("/metrics/:name/series", async (req) => {
    const query = queryOf(req);
    const base = readRequest(query, max_series_groups, ["step"]);
    return series(ctx.store, req.params.name, { ...base, step: parseStep(query.step, base.window.ms) }, ctx.now());
  });
}
