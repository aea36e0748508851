export type { ScoreRouteOptions } from "./routes.js";
export { scoreRoutes } from "./routes.js";
export type { ScoreWriter, ScoreWriterOptions } from "./writer.js";
export { createScoreWriter } from "./writer.js";
