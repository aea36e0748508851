import { contentUtf8 } from "../../content/json.js";
import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";
import { lastPerSpan, rowToContent, searchPaged, sortContent } from "../content-rows.js";
import type { WorkerClient } from "./client.js";
import { CONTENT_TEXTS, type ContentColumns } from "./content-schema.js";
import type { SqlRunner } from "./summarize.js";

/** The text as an RE2 pattern matching itself. */
function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

const COLUMNS = "trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes";

const utf8 = new TextEncoder();

/** Builds the columns of content rows; `transfer` lists the buffers postMessage may move. */
export function encodeContent(rows: readonly SpanContent[]): { columns: ContentColumns; transfer: ArrayBuffer[] } {
  const n = rows.length;
  const texts = rows.map(contentUtf8);
  const lengths = new Int32Array(n * CONTENT_TEXTS);
  const started_at = new Float64Array(n);
  const redactions = new Int32Array(n);
  const truncated_bytes = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const k = i * CONTENT_TEXTS;
    lengths[k] = Buffer.byteLength(r.trace_id, "utf8");
    lengths[k + 1] = Buffer.byteLength(r.span_id, "utf8");
    for (let c = 0; c < 4; c++) lengths[k + 2 + c] = texts[i].lengths[c];
    total += lengths[k] + lengths[k + 1] + texts[i].bytes.length;
    started_at[i] = r.started_at;
    redactions[i] = r.redactions;
    truncated_bytes[i] = r.truncated_bytes;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    at += utf8.encodeInto(rows[i].trace_id, bytes.subarray(at)).written;
    at += utf8.encodeInto(rows[i].span_id, bytes.subarray(at)).written;
    bytes.set(texts[i].bytes, at);
    at += texts[i].bytes.length;
  }
  const columns = { count: n, bytes, lengths, started_at, redactions, truncated_bytes };
  const transfer = [bytes, lengths, started_at, redactions, truncated_bytes].map((a) => a.buffer as ArrayBuffer);
  return { columns, transfer };
}

/** The DuckDB store's content table (span_content), on the store's worker. */
export class DuckDbContent implements ContentStore {
  constructor(
    private readonly client: WorkerClient,
    private readonly db: SqlRunner,
    private readonly write: <T>(f: () => Promise<unknown>) => Promise<T>,
  ) {}

  async insertContent(rows: SpanContent[]): Promise<void> {
    if (rows.length === 0) return;
    await this.write(() => this.client.request({ op: "appendContent", rows }));
  }

  async getContent(traceId: string): Promise<SpanContent[]> {
    // rowid order: a span appended again (a retried request) comes later and wins.
    // Plain ids are inlined: a parameter costs a prepare round that doubles the index lookup.
    const plain = /^[\w.:-]{1,128}$/.test(traceId);
    const where = plain ? `'${traceId}'` : "$1";
    const rows = await this.db.all(
      `SELECT ${COLUMNS} FROM span_content WHERE trace_id = ${where} ORDER BY rowid`,
      plain ? [] : [traceId],
    );
    return sortContent(lastPerSpan(rows.map(rowToContent)));
  }

  searchContent(q: ContentSearch): Promise<string[]> {
    // RE2's case-insensitive match reads the JSON text in place; ILIKE measured 2-3x slower.
    const pattern = regexLiteral(JSON.stringify(q.text).slice(1, -1));
    const match = (col: string) => `regexp_matches(${col}, $3, 'i')`;
    return searchPaged(q, (after, before, offset, limit) =>
      this.db.all(
        `SELECT trace_id, span_id, started_at, input, output, system, tools FROM span_content
         WHERE started_at > $1 AND started_at < $2
           AND (${match("input")} OR ${match("output")} OR ${match("system")} OR ${match("tools")})
         ORDER BY started_at DESC, trace_id LIMIT ${limit} OFFSET ${offset}`,
        [after, before, pattern],
      ),
    );
  }

  async deleteContentBefore(before: number): Promise<number> {
    const r = await this.write<number[]>(() =>
      this.client.request({
        op: "run",
        statements: [{ sql: "DELETE FROM span_content WHERE started_at < $1", params: [before] }],
      }),
    );
    return r[0];
  }
}
