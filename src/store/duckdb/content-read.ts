// Runs inside the store worker: reading the content log through its index, and its retention.
import type { ContentSearch } from "../../content/types.js";
import { type ContentRow, lastPerSpan, SEARCH_MAX_ROWS, searchPaged } from "../content-rows.js";
import { HOUR_MS } from "../rollup/plan.js";
import type { ContentLog, RecordTexts } from "./content-log.js";
import { type Hit, scanSegment } from "./content-scan.js";

type ReadAll = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** What the main thread asks of the content log (DuckDbContent). */
export type ContentCall =
  | { kind: "get"; traceId: string }
  | { kind: "search"; q: ContentSearch }
  /** Deletes index rows of spans started before `before`, then the segments wholly before it. */
  | { kind: "delete"; before: number };

const withTexts = (r: Record<string, unknown>, t: RecordTexts): ContentRow => ({
  ...r,
  input: t[0],
  output: t[1],
  system: t[2],
  tools: t[3],
});

/** The newest row of each span of a trace, with its texts (JSON); rows whose record is gone are left out. */
export async function getContentRows(readAll: ReadAll, log: ContentLog, traceId: string): Promise<ContentRow[]> {
  // rowid order: a span appended again (a retried request) comes later and wins.
  // Plain ids are inlined: a parameter costs a prepare round that doubles the index lookup.
  const plain = /^[\w.:-]{1,128}$/.test(traceId);
  const rows = await readAll(
    `SELECT trace_id, span_id, started_at, segment, pos, len, redactions, truncated_bytes
     FROM content_index WHERE trace_id = ${plain ? `'${traceId}'` : "$1"} ORDER BY rowid`,
    plain ? [] : [traceId],
  );
  const out: ContentRow[] = [];
  for (const r of lastPerSpan(rows as { trace_id: string; span_id: string }[]) as Record<string, unknown>[]) {
    const rec = log.read(Number(r.segment), Number(r.pos), Number(r.len));
    if (rec === null) continue;
    const { segment: _s, pos: _p, len: _l, ...row } = r;
    out.push(withTexts(row, rec.texts));
  }
  return out;
}

const byNewest = (a: Hit, b: Hit) =>
  b.started_at - a.started_at || (a.trace_id < b.trace_id ? -1 : a.trace_id > b.trace_id ? 1 : 0);

/** The hits an index row still points at: content deleted by retention stays in its segment until the hour has passed. */
async function indexed(readAll: ReadAll, hits: Hit[]): Promise<Hit[]> {
  if (hits.length === 0) return hits;
  const traces = [...new Set(hits.map((h) => h.trace_id))];
  const rows = await readAll(
    `SELECT segment, pos FROM content_index WHERE trace_id IN (${traces.map((_, i) => `$${i + 1}`).join(", ")})`,
    traces,
  );
  const live = new Set(rows.map((r) => `${r.segment}/${r.pos}`));
  return hits.filter((h) => live.has(`${h.segment}/${h.pos}`));
}

// Candidates handed to searchPaged at a time: each costs a read and a parse of its record.
const PAGE = 200;

/**
 * Trace ids whose content holds the text, as every store answers it (searchPaged). The
 * segments under each slice are read straight through (each once per search) for the
 * JSON-escaped text; the records that hold it, newest first, are the candidates.
 */
export function searchContentLog(readAll: ReadAll, log: ContentLog, q: ContentSearch): Promise<string[]> {
  const needle = JSON.stringify(q.text).slice(1, -1);
  const scanned = new Map<number, Hit[]>();
  const hours = log.segments.hours();
  return searchPaged(q, async function* (after, before) {
    const hits: Hit[] = [];
    for (const h of hours) {
      if (h + HOUR_MS <= after || h >= before) continue;
      let found = scanned.get(h);
      if (found === undefined) {
        found = scanSegment(log, h, needle, SEARCH_MAX_ROWS);
        scanned.set(h, found);
      }
      for (const x of found) if (x.started_at > after && x.started_at < before) hits.push(x);
    }
    hits.sort(byNewest);
    for (let i = 0; i < hits.length; i += PAGE) {
      const page: ContentRow[] = [];
      for (const h of await indexed(readAll, hits.slice(i, i + PAGE))) {
        const r = log.read(h.segment, h.pos, h.len);
        if (r !== null)
          page.push(withTexts({ trace_id: h.trace_id, span_id: h.span_id, started_at: h.started_at }, r.texts));
      }
      yield page;
    }
  });
}

/** The end of the last indexed record of each segment (ContentLog.recover). */
export async function indexedEnds(readAll: ReadAll): Promise<Map<number, number>> {
  const rows = await readAll("SELECT segment, max(pos + len) AS e FROM content_index GROUP BY segment", []);
  return new Map(rows.map((r) => [Number(r.segment), Number(r.e)]));
}

/** What contentCall needs of the worker: reads, and writes in its one-at-a-time chain. */
export interface ContentContext {
  readAll: ReadAll;
  log: ContentLog;
  serialWrite: <T>(f: () => Promise<T>) => Promise<T>;
  runAll: (statements: { sql: string; params: unknown[] }[]) => Promise<number[]>;
}

export function contentCall(ctx: ContentContext, call: ContentCall): Promise<unknown> {
  switch (call.kind) {
    case "get":
      return getContentRows(ctx.readAll, ctx.log, call.traceId);
    case "search":
      return searchContentLog(ctx.readAll, ctx.log, call.q);
    case "delete":
      // Index rows first: a crash before the files go leaves segments no row points into,
      // which the next start removes.
      return ctx.serialWrite(async () => {
        const [n] = await ctx.runAll([
          { sql: "DELETE FROM content_index WHERE started_at < $1", params: [call.before] },
        ]);
        ctx.log.removeBefore(call.before);
        return n;
      });
  }
}
