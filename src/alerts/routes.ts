import type { FastifyInstance } from "fastify";
import type { AppContext } from "../server/context.js";

// Placeholder: the alerts work replaces this with GET/POST /alerts, silence, DELETE.
export async function alertRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
