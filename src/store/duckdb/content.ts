import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";
import { contentTexts, lastPerSpan, likePattern, rowToContent, searchPaged, sortContent } from "../content-rows.js";
import type { WorkerClient } from "./client.js";
import { CONTENT_TEXTS, type ContentColumns } from "./content-schema.js";
import type { SqlRunner } from "./summarize.js";

const COLUMNS = "trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes";

function toColumns(rows: SpanContent[]): ContentColumns {
  const n = rows.length;
  const text: (string | null)[] = new Array(n * CONTENT_TEXTS);
  const c: ContentColumns = {
    count: n,
    text,
    started_at: new Float64Array(n),
    redactions: new Int32Array(n),
    truncated_bytes: new Float64Array(n),
  };
  rows.forEach((r, i) => {
    const [input, output, system, tools] = contentTexts(r);
    text.splice(i * CONTENT_TEXTS, CONTENT_TEXTS, r.trace_id, r.span_id, input, output, system, tools);
    c.started_at[i] = r.started_at;
    c.redactions[i] = r.redactions;
    c.truncated_bytes[i] = r.truncated_bytes;
  });
  return c;
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
    const columns = toColumns(rows);
    await this.write(() => this.client.request({ op: "appendContent", columns }));
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
    const pattern = likePattern(q.text);
    return searchPaged(q, (offset, limit) =>
      this.db.all(
        `SELECT trace_id, span_id, started_at, input, output, system, tools FROM span_content
         WHERE started_at > $1 AND started_at < $2
           AND (input ILIKE $3 ESCAPE '\\' OR output ILIKE $3 ESCAPE '\\' OR system ILIKE $3 ESCAPE '\\' OR tools ILIKE $3 ESCAPE '\\')
         ORDER BY started_at DESC, trace_id LIMIT ${limit} OFFSET ${offset}`,
        [q.since, q.until, pattern],
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
