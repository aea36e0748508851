import type { ContentSearch, SpanContent } from "../content/types.js";
import { searchText } from "./memory/content.js";

/** A content row as the SQL drivers read it: JSON columns as text (DuckDB) or parsed (JSONB). */
export type ContentRow = Record<string, unknown>;

const parse = (v: unknown): never => (typeof v === "string" ? JSON.parse(v) : (v ?? null)) as never;

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

/** Most rows per page the SQL drivers fetch while searching; pages are read until `limit` traces are found. */
const SEARCH_PAGE = 500;
/** Most candidate rows one search reads: bounds the time of a search for a very common word. */
export const SEARCH_MAX_ROWS = 20_000;
/** The newest slice of the window searched first; each older slice is twice as long. */
export const FIRST_SLICE_MS = 3_600_000;

/** A page of candidate rows started in (after, before), newest first. */
export type SearchPage = (after: number, before: number, offset: number, limit: number) => Promise<ContentRow[]>;

/**
 * Pages of candidate rows (rows that may contain the text) started in (after, before),
 * newest first; the search stops asking once it has enough.
 */
export type SlicePages = (after: number, before: number) => AsyncIterable<ContentRow[]>;

/** SlicePages from a query by offset: pages start near the number of traces wanted (each row read back costs its JSON) and grow. */
export function offsetPages(q: ContentSearch, page: SearchPage): SlicePages {
  return async function* (after, before) {
    let size = Math.min(SEARCH_PAGE, Math.max(2 * q.limit, 40));
    for (let offset = 0; ; offset += size, size = Math.min(SEARCH_PAGE, 2 * size)) {
      const rows = await page(after, before, offset, size);
      yield rows;
      if (rows.length < size) return;
    }
  };
}

/**
 * Trace ids for a content search. The window is read newest first in slices (the last
 * hour, then 2 hours before it, 4, ...), each a page of candidate rows at a time, so a
 * common word is answered from the last hour without scanning the day. Each candidate is
 * checked against its message text, so a word that only occurs as a JSON key ("role",
 * "content") does not match.
 */
export async function searchPaged(q: ContentSearch, pages: SlicePages): Promise<string[]> {
  const needle = q.text.toLowerCase();
  const out: string[] = [];
  let read = 0;
  let slice = FIRST_SLICE_MS;
  // Bounds are exclusive and times whole milliseconds: the next slice ends where this one starts, + 1.
  for (let before = q.until; before - 1 > q.since; slice *= 2) {
    const after = Math.max(q.since, before - 1 - slice);
    for await (const rows of pages(after, before)) {
      read += rows.length;
      for (const r of rows) {
        const id = String(r.trace_id);
        if (out.includes(id)) continue;
        if (searchText(rowToContent(r)).includes(needle)) out.push(id);
        if (out.length >= q.limit) return out;
      }
      if (read >= SEARCH_MAX_ROWS) return out;
    }
    before = after + 1;
  }
  return out;
}
