import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";
import { type ContentRow, rowToContent, sortContent } from "../content-rows.js";
import type { WorkerClient } from "./client.js";

/** The DuckDB store's content: the content log and its index (content-log.ts), on the store's worker. */
export class DuckDbContent implements ContentStore {
  constructor(
    private readonly client: WorkerClient,
    private readonly write: <T>(f: () => Promise<unknown>) => Promise<T>,
  ) {}

  async insertContent(rows: SpanContent[]): Promise<void> {
    if (rows.length === 0) return;
    await this.write(() => this.client.request({ op: "appendContent", rows }));
  }

  async getContent(traceId: string): Promise<SpanContent[]> {
    const rows = (await this.client.request({ op: "content", call: { kind: "get", traceId } })) as ContentRow[];
    return sortContent(rows.map(rowToContent));
  }

  async searchContent(q: ContentSearch): Promise<string[]> {
    return (await this.client.request({ op: "content", call: { kind: "search", q } })) as string[];
  }

  deleteContentBefore(before: number): Promise<number> {
    return this.write(() => this.client.request({ op: "content", call: { kind: "delete", before } }));
  }
}
