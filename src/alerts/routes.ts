import type { FastifyInstance } from "fastify";
import { ApiError } from "../errors.js";
import type { AlertService } from "./service.js";

type NameParams = { Params: { name: string } };

export interface AlertRouteOptions {
  /** Null when alerting is not running (GET /alerts then lists nothing). */
  alerts: AlertService | null;
}

function service(ctx: AlertRouteOptions): AlertService {
  if (ctx.alerts === null) throw new ApiError("internal", "alerting is not running");
  return ctx.alerts;
}

/**
 * GET/POST /alerts, GET/DELETE /alerts/{name}, POST/DELETE /alerts/{name}/silence, GET /budgets,
 * GET /budgets/{name}.
 * Bodies stay `unknown` here: the service validates them and names the bad field.
 */
export async function alertRoutes(app: FastifyInstance, ctx: AlertRouteOptions): Promise<void> {
  // on a shared store sync() reads what every instance wrote, so the answer includes it
  app.get("/alerts", async () => {
    if (ctx.alerts === null) return [];
    await ctx.alerts.sync();
    return ctx.alerts.list();
  });

  app.post("/alerts", async (req, reply) => {
    const created = await service(ctx).create(req.body);
    return reply.code(201).send(created);
  });

  app.get<NameParams>("/alerts/:name", async (req) => {
    const alerts = service(ctx);
    await alerts.sync();
    return alerts.get(req.params.name);
  });

  app.delete<NameParams>("/alerts/:name", async (req, reply) => {
    await service(ctx).remove(req.params.name);
    return reply.code(204).send();
  });

  app.post<NameParams>("/alerts/:name/silence", async (req) => service(ctx).silence(req.params.name, req.body));

  // budget rules' standing this period, read live from the store
  app.get("/budgets", async () => {
    if (ctx.alerts === null) return { budgets: [] };
    await ctx.alerts.sync();
    return ctx.alerts.budgets();
  });

  app.get<NameParams & { Querystring: Record<string, unknown> }>("/budgets/:name", async (req) => {
    const alerts = service(ctx);
    await alerts.sync();
    return alerts.budget(req.params.name, req.query);
  });

  // ?user_id=u1 (the rule's group_by key) lifts one group's silence
  app.delete<NameParams & { Querystring: Record<string, unknown> }>("/alerts/:name/silence", async (req) =>
    service(ctx).unsilence(req.params.name, req.query),
  );
}
