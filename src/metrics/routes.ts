import type { FastifyInstance } from "fastify";
import type { AppContext } from "../server/context.js";

// Placeholder: the metrics work replaces this with /metrics, /metrics/{name}, /metrics/prometheus.
export async function metricRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
