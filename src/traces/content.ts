import type { ContentFields, ContentStore, SpanContent } from "../content/types.js";
import { ApiError } from "../errors.js";
import type { Span } from "../span/types.js";
import { spanMatches } from "../store/memory/match.js";
import { FILTER_FIELDS, type Store, type TraceQuery } from "../store/store.js";
import { parseTraceQuery } from "./query.js";
import type { ApiTrace } from "./render.js";

/** A span's content as GET /traces/{id}?content=1 serves it. */
export interface ApiContent extends ContentFields {
  redactions: number;
  truncated_bytes: number;
}

/** How far back GET /traces?q= searches when `since` is not given. */
const DEFAULT_SEARCH_WINDOW_MS = 24 * 3600 * 1000;
/** The longest window one content search may cover: bounds its cost (docs/content.md). */
const MAX_SEARCH_WINDOW_MS = 7 * 24 * 3600 * 1000;
const MAX_Q_LENGTH = 256;

function bad(message: string): never {
  throw new ApiError("invalid_query", message);
}

/** `?content=1` (or true/0/false); any other value is a 400 naming the parameter. */
export function wantsContent(query: Record<string, unknown>): boolean {
  const v = query.content;
  if (v === undefined) return false;
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  return bad(`content must be 1 or 0, got ${JSON.stringify(v)}`);
}

/** Adds each span's `content` (null when it has none) to a rendered trace. */
export async function withContent(trace: ApiTrace, store: ContentStore): Promise<ApiTrace> {
  const rows = await store.getContent(trace.trace_id);
  const by = new Map<string, SpanContent>(rows.map((r) => [r.span_id, r]));
  const spans = trace.spans.map((s) => {
    const c = by.get(s.span_id);
    const content: ApiContent | null =
      c === undefined
        ? null
        : {
            system: c.system,
            input: c.input,
            output: c.output,
            tools: c.tools,
            redactions: c.redactions,
            truncated_bytes: c.truncated_bytes,
          };
    return { ...s, content };
  });
  return { ...trace, spans };
}

/** A GET /traces query with `q`: the text, the window searched, and the other filters. */
export interface ContentQuery {
  text: string;
  since: number;
  until: number;
  rest: TraceQuery;
}

/**
 * Reads `q` and the window of a content search. The window is (since, until), by default the
 * last 24 hours, at most 7 days: a content search reads message text, which is far bigger
 * than spans, so its reach is bounded.
 */
export function parseContentQuery(query: Record<string, unknown>, now: number): ContentQuery | null {
  if (query.q === undefined) return null;
  const { q, ...others } = query;
  if (typeof q !== "string") bad("q may be given only once");
  const text = q.trim();
  if (text.length < 2) bad("q must have at least 2 characters");
  if (text.length > MAX_Q_LENGTH) bad(`q must have at most ${MAX_Q_LENGTH} characters`);
  const rest = parseTraceQuery(others);
  if (rest.after !== undefined) bad("cursor cannot be combined with q: a content search pages with offset");
  const until = rest.until ?? now + 1;
  const since = rest.since ?? until - DEFAULT_SEARCH_WINDOW_MS;
  if (until - since > MAX_SEARCH_WINDOW_MS) {
    bad("with q, since and until may be at most 7 days apart (content search is bounded; narrow the window)");
  }
  return { text, since, until, rest };
}

// Most traces looked at for one page when other filters also apply.
const FILTERED_CANDIDATES = 1000;

/** Traces whose content contains the text, newest first, also passing the other filters. */
export async function searchByContent(
  store: Pick<Store, "getTrace" | "content">,
  cq: ContentQuery,
): Promise<{ traces: Span[][]; hasMore: boolean }> {
  const { rest } = cq;
  const filtered = FILTER_FIELDS.some((f) => rest[f] !== undefined) || rest.attrs !== undefined;
  const want = rest.offset + rest.limit + 1;
  const ids = await store.content.searchContent({
    text: cq.text,
    since: cq.since,
    until: cq.until,
    limit: filtered ? Math.max(want, FILTERED_CANDIDATES) : want,
  });
  const traces: Span[][] = [];
  // The traces still wanted are read together: the store answers lookups side by side.
  for (let at = 0; at < ids.length && traces.length < want; ) {
    const next = ids.slice(at, at + want - traces.length);
    at += next.length;
    for (const spans of await Promise.all(next.map((id) => store.getTrace(id)))) {
      if (spans.length === 0) continue; // content outlived its spans
      if (filtered && !spans.some((s) => spanMatches(s, { ...rest, since: undefined, until: undefined }))) continue;
      traces.push(spans);
    }
  }
  return {
    traces: traces.slice(rest.offset, rest.offset + rest.limit),
    hasMore: traces.length > rest.offset + rest.limit,
  };
}
