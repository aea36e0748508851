import { ApiError } from "../errors.js";
import { isScoreName } from "../score/parse.js";
import { SCORE_SPAN_COLUMNS, type ScoreSpanColumn } from "../score/types.js";
import { single } from "./params.js";
import { parseWindow, type Window } from "./window.js";

/** A score filter: exact values of the scored span's columns. */
export type ScoreFilter = Partial<Record<ScoreSpanColumn, string>>;

/** GET /metrics/scores, read from its query string. */
export interface ScoreMetricsRequest {
  window: Window;
  /** Only the scores of this name. */
  name?: string;
  filter: ScoreFilter;
  /** A column of the scored span; null: no group-by. */
  groupBy: ScoreSpanColumn | null;
  /** metrics.max_groups: the most groups named; the rest fold into "(other)". */
  maxGroups: number;
}

const PARAMS = ["window", "groupby", "name", ...SCORE_SPAN_COLUMNS];

function bad(message: string): never {
  throw new ApiError("invalid_query", message);
}

/** A span column a score can be grouped or filtered by. */
export function isScoreSpanColumn(v: string): v is ScoreSpanColumn {
  return (SCORE_SPAN_COLUMNS as readonly string[]).includes(v);
}

/**
 * Reads GET /metrics/scores parameters: window (default 1h, like every /metrics answer),
 * groupby and the filters (columns of the scored span: model, caller), name. Anything else,
 * or a parameter given twice or empty, is a 400 invalid_query naming it.
 *
 * @example parseScoreMetrics({ window: "7d", groupby: "model", name: "helpfulness" }, 100)
 */
export function parseScoreMetrics(query: Record<string, unknown>, maxGroups: number): ScoreMetricsRequest {
  for (const k of Object.keys(query)) {
    if (!PARAMS.includes(k)) bad(`${k}: unknown query parameter; known: ${PARAMS.join(", ")}`);
  }
  const req: ScoreMetricsRequest = { window: parseWindow(query.window), filter: {}, groupBy: null, maxGroups };
  const name = single(query, "name");
  if (name !== undefined) {
    if (!isScoreName(name)) bad(`name: must be 1-128 letters, digits and _ . : -, got ${JSON.stringify(name)}`);
    req.name = name;
  }
  for (const c of SCORE_SPAN_COLUMNS) {
    const v = single(query, c);
    if (v === undefined) continue;
    if (v === "") bad(`${c}: must not be empty`);
    req.filter[c] = v;
  }
  const g = single(query, "groupby");
  if (g !== undefined) {
    const key = g.trim();
    if (!isScoreSpanColumn(key)) {
      bad(`groupby: scores group by ${SCORE_SPAN_COLUMNS.join(" or ")} (of the scored span), got ${JSON.stringify(g)}`);
    }
    req.groupBy = key;
  }
  return req;
}
