import type { ContentSearch, ContentStore, SpanContent } from "../../content/types.js";

const key = (c: SpanContent) => `${c.trace_id}/${c.span_id}`;

/** Content rows in memory, for the memory store. */
export class MemoryContent implements ContentStore {
  private rows = new Map<string, SpanContent>();
  // Lowercased JSON of each row, for search.
  private text = new Map<string, string>();

  constructor(private readonly check: () => void) {}

  async insertContent(rows: SpanContent[]): Promise<void> {
    this.check();
    for (const r of rows) {
      const copy = structuredClone(r);
      this.rows.set(key(r), copy);
      this.text.set(key(r), searchText(copy));
    }
  }

  async getContent(traceId: string): Promise<SpanContent[]> {
    this.check();
    const out = [...this.rows.values()].filter((r) => r.trace_id === traceId).map((r) => structuredClone(r));
    return out.sort((a, b) => a.started_at - b.started_at || (a.span_id < b.span_id ? -1 : 1));
  }

  async searchContent(q: ContentSearch): Promise<string[]> {
    this.check();
    const needle = q.text.toLowerCase();
    const hits = [...this.rows.entries()]
      .filter(([k, r]) => r.started_at > q.since && r.started_at < q.until && this.text.get(k)?.includes(needle))
      .map(([, r]) => r)
      .sort((a, b) => b.started_at - a.started_at);
    const out: string[] = [];
    for (const r of hits) {
      if (out.length >= q.limit) break;
      if (!out.includes(r.trace_id)) out.push(r.trace_id);
    }
    return out;
  }

  async deleteContentBefore(before: number): Promise<number> {
    this.check();
    let n = 0;
    for (const [k, r] of this.rows) {
      if (r.started_at < before) {
        this.rows.delete(k);
        this.text.delete(k);
        n++;
      }
    }
    return n;
  }
}

/**
 * What content search looks in: the text of every part and tool call, lowercased. Searching
 * the JSON itself would match keys and escapes ("role", "\n") instead of what was said.
 */
export function searchText(c: Pick<SpanContent, "input" | "output" | "system" | "tools">): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) if (k !== "type") walk(x);
  };
  walk([c.system, c.input, c.output, c.tools]);
  return out.join("\n").toLowerCase();
}
