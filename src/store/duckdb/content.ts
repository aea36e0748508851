import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";
import { lastPerSpan, rowToContent, searchPaged, sortContent } from "../content-rows.js";
import type { WorkerClient } from "./client.js";
import type { SqlRunner } from "./summarize.js";

/** The text as an RE2 pattern matching itself. */
function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

const COLUMNS = "trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes";

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
