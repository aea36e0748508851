// Runs inside the store worker: reading the content log through its index, and its retention.
import type { ContentSearch } from "../../content/types.js";
import { type ContentRow, lastPerSpan, searchPaged } from "../content-rows.js";
import { type ContentLog, decodeRecord, RECORD_HEADER, type RecordTexts } from "./content-log.js";

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
    const t = log.read(Number(r.segment), Number(r.pos), Number(r.len));
    if (t === null) continue;
    const { segment: _s, pos: _p, len: _l, ...row } = r;
    out.push(withTexts(row, t));
  }
  return out;
}

/** The text as a JS pattern matching itself. */
const regexLiteral = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);

// Bytes read from a segment at once; records near each other are read together.
const READ_BYTES = 4 << 20;
const READ_GAP = 64 << 10;

interface Entry {
  row: number;
  pos: number;
  len: number;
}

/**
 * Which rows' records contain the needle (case-insensitive, in their JSON text), with those
 * texts. Records are read by runs of nearby offsets per segment. An ASCII needle is matched
 * over the bytes read as Latin-1 (a byte a character, so a match's place is its byte
 * offset, and no non-ASCII byte case-folds into ASCII); any other is matched record by record.
 */
function matchRecords(log: ContentLog, rows: Record<string, unknown>[], needle: string): Map<number, RecordTexts> {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range check
  const ascii = /^[\x00-\x7f]*$/.test(needle);
  const once = new RegExp(regexLiteral(needle), "i");
  const every = new RegExp(regexLiteral(needle), "gi");
  const bySegment = new Map<number, Entry[]>();
  rows.forEach((r, row) => {
    const seg = Number(r.segment);
    const e = { row, pos: Number(r.pos), len: Number(r.len) };
    const list = bySegment.get(seg);
    if (list === undefined) bySegment.set(seg, [e]);
    else list.push(e);
  });
  const found = new Map<number, RecordTexts>();
  for (const [seg, entries] of bySegment) {
    entries.sort((a, b) => a.pos - b.pos);
    for (let i = 0; i < entries.length; ) {
      // One read: entries i..j-1, each starting within READ_GAP of the previous end.
      let j = i + 1;
      let end = entries[i].pos + entries[i].len;
      while (
        j < entries.length &&
        entries[j].pos - end <= READ_GAP &&
        entries[j].pos + entries[j].len - entries[i].pos <= READ_BYTES
      ) {
        end = Math.max(end, entries[j].pos + entries[j].len);
        j++;
      }
      const from = entries[i].pos;
      const b = log.segments.read(seg, from, end - from);
      if (b !== null) {
        const run = entries.slice(i, j);
        if (ascii) {
          const text = b.toString("latin1");
          every.lastIndex = 0;
          let k = 0;
          for (let m = every.exec(text); m !== null; m = every.exec(text)) {
            const at = m.index;
            while (k < run.length && run[k].pos - from + run[k].len <= at) k++;
            if (k === run.length) break;
            const e = run[k];
            // A match in a gap between records, or in a record's header, is none.
            if (at >= e.pos - from + RECORD_HEADER) {
              found.set(e.row, decodeRecord(b, e.pos - from));
              every.lastIndex = e.pos - from + e.len;
            } else every.lastIndex = at + 1;
          }
        } else {
          for (const e of run) {
            const t = decodeRecord(b, e.pos - from);
            if (t.some((x) => x !== null && once.test(x))) found.set(e.row, t);
          }
        }
      }
      i = j;
    }
  }
  return found;
}

/**
 * Trace ids whose content holds the text, as every store answers it (searchPaged): the
 * index rows of each slice are read newest first in pages, their records scanned for the
 * JSON-escaped text, and the records that hold it are the candidates.
 */
export function searchContentLog(readAll: ReadAll, log: ContentLog, q: ContentSearch): Promise<string[]> {
  const needle = JSON.stringify(q.text).slice(1, -1);
  return searchPaged(q, async function* (after, before) {
    // Index rows are small: pages start at a few records per trace wanted and grow.
    let size = Math.max(10 * q.limit, 200);
    for (let offset = 0; ; offset += size, size = Math.min(5000, 2 * size)) {
      const rows = await readAll(
        `SELECT trace_id, span_id, started_at, segment, pos, len FROM content_index
         WHERE started_at > $1 AND started_at < $2
         ORDER BY started_at DESC, trace_id LIMIT ${size} OFFSET ${offset}`,
        [after, before],
      );
      const found = matchRecords(log, rows, needle);
      const candidates: ContentRow[] = [];
      rows.forEach((r, i) => {
        const t = found.get(i);
        if (t !== undefined) candidates.push(withTexts(r, t));
      });
      yield candidates;
      if (rows.length < size) return;
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
