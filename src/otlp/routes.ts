import type { FastifyInstance } from "fastify";
import type { AppContext } from "../server/context.js";

// Placeholder: the OTLP work replaces this with POST /v1/traces.
export async function otlpRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
