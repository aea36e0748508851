import type { FastifyInstance } from "fastify";
import type { AppContext } from "../server/context.js";

// Placeholder: the dashboard work replaces this with the static page at /.
export async function dashboardRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {}
