import type pg from "pg";
import { contentJson } from "../../content/json.js";
import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";
import { lastPerSpan, likePattern, offsetPages, rowToContent, searchPaged, sortContent } from "../content-rows.js";
import { transaction } from "./connect.js";
import { lockKey } from "./schema.js";

/**
 * Content has its own table, created here rather than in the span migrations so the span
 * schema is untouched. JSON is stored as text: it is only ever read whole or searched.
 */
const CONTENT_SQL = `
CREATE TABLE IF NOT EXISTS span_content (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  input TEXT,
  output TEXT,
  system TEXT,
  tools TEXT,
  redactions INTEGER NOT NULL,
  truncated_bytes BIGINT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS span_content_started_at ON span_content (started_at);`;

/** Creates the content table if missing, under the migration lock so instances starting together do not race. */
export async function ensureContentTable(pool: pg.Pool, schema: string): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(schema, "migrate")]);
    await c.query(CONTENT_SQL);
  });
}

type Run = (text: string, values: unknown[]) => Promise<Record<string, unknown>[]>;

const COLUMNS = "trace_id, span_id, started_at, input, output, system, tools, redactions, truncated_bytes";

/** The PostgreSQL store's content table: one row per span, a span sent again replaces its row. */
export class PgContent implements ContentStore {
  constructor(private readonly run: Run) {}

  async insertContent(rows: SpanContent[]): Promise<void> {
    // ON CONFLICT cannot touch one row twice in a statement: keep each span's last row.
    const unique = lastPerSpan(rows);
    if (unique.length === 0) return;
    const cols: unknown[][] = Array.from({ length: 9 }, () => []);
    for (const r of unique) {
      const texts = contentJson(r);
      const values = [r.trace_id, r.span_id, r.started_at, ...texts, r.redactions, r.truncated_bytes];
      for (let i = 0; i < values.length; i++) cols[i].push(values[i]);
    }
    await this.run(
      `INSERT INTO span_content (${COLUMNS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::bigint[])
       ON CONFLICT (trace_id, span_id) DO UPDATE SET started_at = excluded.started_at, input = excluded.input,
         output = excluded.output, system = excluded.system, tools = excluded.tools,
         redactions = excluded.redactions, truncated_bytes = excluded.truncated_bytes`,
      cols,
    );
  }

  async getContent(traceId: string): Promise<SpanContent[]> {
    const rows = await this.run(`SELECT ${COLUMNS} FROM span_content WHERE trace_id = $1`, [traceId]);
    return sortContent(rows.map(rowToContent));
  }

  searchContent(q: ContentSearch): Promise<string[]> {
    const pattern = likePattern(q.text);
    return searchPaged(
      q,
      offsetPages(q, (after, before, offset, limit) =>
        this.run(
          `SELECT trace_id, span_id, started_at, input, output, system, tools FROM span_content
         WHERE started_at > $1 AND started_at < $2
           AND concat_ws(' ', input, output, system, tools) ILIKE $3 ESCAPE '\\'
         ORDER BY started_at DESC, trace_id LIMIT ${limit} OFFSET ${offset}`,
          [after, before, pattern],
        ),
      ),
    );
  }

  async deleteContentBefore(before: number): Promise<number> {
    const rows = await this.run(
      "WITH d AS (DELETE FROM span_content WHERE started_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d",
      [before],
    );
    return Number(rows[0].n);
  }
}
