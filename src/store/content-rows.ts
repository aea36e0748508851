import type { ContentSearch, SpanContent } from "../content/types.js";
import { searchText } from "./memory/content.js";

/** A content row as the SQL drivers read it: JSON columns as text (DuckDB) or parsed (JSONB). */
export type ContentRow = Record<string, unknown>;

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
const parse = (v: unknown): never => (typeof v === "string" ? JSON.parse(v) : (v ?? null)) as never;

/** The JSON text of a row's four content columns: input, output, system, tools. */
export function contentTexts(c: SpanContent): [string | null, string | null, string | null, string | null] {
  return [json(c.input), json(c.output), json(c.system), json(c.tools)];
}

export function rowToContent(r: ContentRow): SpanContent {
  return {
    trace_id: String(r.trace_id),
    span_id: String(r.span_id),
    started_at: Number(r.started_at),
    input: parse(r.input),
    output: parse(r.output),
    system: parse(r.system),
    tools: parse(r.tools),
    redactions: Number(r.redactions ?? 0),
    truncated_bytes: Number(r.truncated_bytes ?? 0),
  };
}

/** The last row per (trace_id, span_id), in input order of first appearance: a span sent again replaces its content. */
export function lastPerSpan<T extends { trace_id: string; span_id: string }>(rows: T[]): T[] {
  const by = new Map<string, T>();
  for (const r of rows) {
    const k = `${r.trace_id}/${r.span_id}`;
    by.delete(k);
    by.set(k, r);
  }
  return [...by.values()];
}

/** Content rows of one trace in the order getContent promises. */
export function sortContent(rows: SpanContent[]): SpanContent[] {
  return rows.sort(
    (a, b) => a.started_at - b.started_at || (a.span_id < b.span_id ? -1 : a.span_id > b.span_id ? 1 : 0),
  );
}

/**
 * The needle for a SQL LIKE over the JSON text: JSON-escaped (a quote or newline is stored
 * escaped), then LIKE's own wildcards escaped with backslash.
 */
export function likePattern(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return `%${escaped.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Rows per page the SQL drivers fetch while searching; pages are read until `limit` traces are found. */
const SEARCH_PAGE = 500;
/** Most candidate rows one search reads: bounds the time of a search for a very common word. */
const SEARCH_MAX_ROWS = 20_000;

/**
 * Trace ids for a content search, from newest-first pages of candidate rows (rows whose JSON
 * text matched the LIKE pattern). Each candidate is checked against its message text, so a
 * word that only occurs as a JSON key ("role", "content") does not match.
 */
export async function searchPaged(
  q: ContentSearch,
  page: (offset: number, limit: number) => Promise<ContentRow[]>,
): Promise<string[]> {
  const needle = q.text.toLowerCase();
  const out: string[] = [];
  for (let offset = 0; offset < SEARCH_MAX_ROWS; offset += SEARCH_PAGE) {
    const rows = await page(offset, SEARCH_PAGE);
    for (const r of rows) {
      const id = String(r.trace_id);
      if (out.includes(id)) continue;
      if (searchText(rowToContent(r)).includes(needle)) out.push(id);
      if (out.length >= q.limit) return out;
    }
    if (rows.length < SEARCH_PAGE) break;
  }
  return out;
}
