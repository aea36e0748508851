import { namesOfKind } from "../schema/span.js";
import { toApiSpan } from "../span/api.js";
import { SPAN_FIELDS, type Span } from "../span/types.js";

export const EXPORT_FORMATS = ["parquet", "csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  parquet: "application/vnd.apache.parquet",
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson",
};

/**
 * Columns of the CSV and Parquet files, in order: every span field, attributes as JSON text.
 * JSONL lines are the HTTP API's span shape instead (GET /traces/{id}).
 */
export const EXPORT_COLUMNS = SPAN_FIELDS;

/** A CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

const TIMES: ReadonlySet<string> = new Set(namesOfKind("time"));

function csvValue(s: Span, c: (typeof EXPORT_COLUMNS)[number]): string {
  const v = s[c];
  if (typeof v === "number" && TIMES.has(c)) return new Date(v).toISOString();
  if (typeof v === "object" && v !== null) return csvField(JSON.stringify(v));
  return v === null ? "" : csvField(String(v));
}

export const CSV_HEADER = `${EXPORT_COLUMNS.join(",")}\r\n`;

/** One CSV record (CRLF-terminated); empty field = null; times RFC 3339 UTC with milliseconds. */
function csvLine(s: Span): string {
  return `${EXPORT_COLUMNS.map((c) => csvValue(s, c)).join(",")}\r\n`;
}

/** One JSON Lines record in the API's span shape. */
function jsonLine(s: Span): string {
  return `${JSON.stringify(toApiSpan(s))}\n`;
}

/** The text of one page for a text format (CSV without its header). */
export function textPage(format: "csv" | "jsonl", spans: readonly Span[]): string {
  let out = "";
  for (const s of spans) out += format === "csv" ? csvLine(s) : jsonLine(s);
  return out;
}
