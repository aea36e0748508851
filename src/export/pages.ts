import type { Span } from "../span/types.js";
import { fromPico, toPico } from "../stats/cost.js";
import type { ExportCursor, ExportQuery, Store } from "../store/store.js";

/** Spans per page: the most an export holds in memory at once. */
export const EXPORT_BATCH = 5000;

export type ExportRange = Omit<ExportQuery, "after" | "limit">;

/**
 * Every span of the range, a page at a time (keyset pagination: each page is one bounded
 * query, so memory stays at one page however large the export).
 */
export async function* spanPages(store: Store, range: ExportRange, batch = EXPORT_BATCH): AsyncGenerator<Span[]> {
  let after: ExportCursor | undefined;
  for (;;) {
    const page = await store.exportPage({ ...range, after, limit: batch });
    if (page.length > 0) yield page;
    if (page.length < batch) return;
    const last = page[page.length - 1];
    after = { started_at: last.started_at, trace_id: last.trace_id, span_id: last.span_id };
  }
}

/** What an export wrote: rows, the exact cost sum, and the started_at range (null when empty). */
export interface ExportTally {
  rows: number;
  cost_usd: number;
  min_started_at: number | null;
  max_started_at: number | null;
}

/** Counts rows and sums cost exactly (12-decimal fixed point) as pages go by. */
export class Tally {
  rows = 0;
  private cost = 0n;
  private min: number | null = null;
  private max: number | null = null;

  add(spans: readonly Span[]): void {
    for (const s of spans) {
      this.rows++;
      if (s.cost_usd !== null) this.cost += toPico(s.cost_usd);
      if (this.min === null || s.started_at < this.min) this.min = s.started_at;
      if (this.max === null || s.started_at > this.max) this.max = s.started_at;
    }
  }

  result(): ExportTally {
    return {
      rows: this.rows,
      cost_usd: fromPico(this.cost),
      min_started_at: this.min,
      max_started_at: this.max,
    };
  }
}
