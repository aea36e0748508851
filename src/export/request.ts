import { ApiError } from "../errors.js";
import { parseFilter } from "../metrics/params.js";
import { parseWindow } from "../metrics/window.js";
import { EXPORT_FORMATS, type ExportFormat } from "./format.js";
import type { ExportRange } from "./pages.js";
import { parseTimeBound, TIME_BOUND_HELP } from "./time.js";

export interface ExportRequest {
  format: ExportFormat;
  range: ExportRange;
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError("invalid_query", `${name}: give it once`);
  return v;
}

/**
 * Reads GET /export's query: `format` (default jsonl), then either `window` (default 1h,
 * ending now) or `since` [and `until`], plus the /traces filters (model, caller, ...).
 *
 * @example parseExportQuery({ format: "csv", window: "24h", model: "gpt-4o" }, Date.now())
 */
export function parseExportQuery(query: Record<string, unknown>, now: number): ExportRequest {
  const format = one(query, "format") ?? "jsonl";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ApiError("invalid_query", `format: "${format}" is not one of ${EXPORT_FORMATS.join(", ")}`);
  }
  const filter = parseFilter(query, ["format", "window", "since", "until"]);
  const sinceText = one(query, "since");
  const untilText = one(query, "until");
  let since: number;
  let until = now;
  if (sinceText !== undefined || untilText !== undefined) {
    if (query.window !== undefined) throw new ApiError("invalid_query", "window: give either window or since/until");
    if (sinceText === undefined) throw new ApiError("invalid_query", "since: required with until");
    const s = parseTimeBound(sinceText, now);
    if (s === null) throw new ApiError("invalid_query", `since: "${sinceText}" is not ${TIME_BOUND_HELP}`);
    since = s;
    if (untilText !== undefined) {
      const u = parseTimeBound(untilText, now);
      if (u === null) throw new ApiError("invalid_query", `until: "${untilText}" is not ${TIME_BOUND_HELP}`);
      until = u;
    }
    if (until <= since) throw new ApiError("invalid_query", "until: must be later than since");
  } else {
    since = now - parseWindow(query.window).ms;
  }
  return { format: format as ExportFormat, range: { since, until, filter } };
}
