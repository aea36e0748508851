// A small in-memory Store for server/ingest unit tests: it records insert calls and can
// hold or fail commits on demand, which the real drivers cannot do on cue.
import type { Span } from "../../span/types.js";
import { MemoryContent } from "../memory/content.js";
import { newestFirst, spanMatches } from "../memory/match.js";
import { MemoryScores } from "../memory/scores.js";
import { memorySessionSource } from "../memory/sessions.js";
import { SessionReader } from "../sessions-read.js";
import type { ExpositionRow, JsonObject, Store, StoreHealth, SummaryRow, TraceSearchResult } from "../store.js";
import { isAfter } from "../trace-search.js";

export interface FakeStore extends Store {
  spans: Span[];
  insertCalls: number[];
  /** When set, inserts wait until release() is called. */
  hold: boolean;
  release(): void;
  /** When set, the next inserts fail with this message. */
  failWith: string | null;
  healthState: StoreHealth;
  deleteBeforeCalls: number[];
  closed: number;
}

export function createFakeStore(): FakeStore {
  let waiting: (() => void)[] = [];
  const scores = new MemoryScores(
    () => {},
    (traceId) => store.spans.filter((s) => s.trace_id === traceId),
  );
  const store: FakeStore = {
    driver: "memory",
    content: new MemoryContent(() => {}),
    scores,
    sessions: new SessionReader(
      memorySessionSource(
        () => store.spans,
        (id) => store.spans.filter((s) => s.trace_id === id),
        scores,
      ),
    ),
    spans: [],
    insertCalls: [],
    hold: false,
    failWith: null,
    healthState: { ok: true },
    deleteBeforeCalls: [],
    closed: 0,
    release() {
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    async insert(spans, content) {
      store.insertCalls.push(spans.length);
      if (store.hold) await new Promise<void>((r) => waiting.push(r));
      if (store.failWith !== null) throw new Error(store.failWith);
      if (content !== undefined) await store.content.insertContent(content);
      store.spans.push(...spans.map((s) => structuredClone(s)));
    },
    async getTrace(id) {
      return store.spans.filter((s) => s.trace_id === id).sort((a, b) => a.started_at - b.started_at);
    },
    async searchTraces(q): Promise<TraceSearchResult> {
      const starts = new Map<string, number>();
      for (const s of store.spans)
        starts.set(s.trace_id, Math.min(starts.get(s.trace_id) ?? s.started_at, s.started_at));
      const hits = new Set(store.spans.filter((s) => spanMatches(s, q)).map((s) => s.trace_id));
      const ordered = [...hits]
        .map((id) => ({ id, start: starts.get(id) ?? 0 }))
        .filter((t) => isAfter(t.start, t.id, q.after))
        .sort(newestFirst)
        .map((t) => t.id);
      const page = ordered.slice(q.offset, q.offset + q.limit);
      return {
        traces: await Promise.all(page.map((id) => store.getTrace(id))),
        hasMore: ordered.length > q.offset + q.limit,
      };
    },
    async summarize(): Promise<SummaryRow[]> {
      return [];
    },
    async exposition(): Promise<ExpositionRow[]> {
      return [];
    },
    async exportPage() {
      return [];
    },
    async firstIngestedAt() {
      return null;
    },
    async countSpans() {
      return store.spans.length;
    },
    async deleteBefore(before) {
      store.deleteBeforeCalls.push(before);
      const keep = store.spans.filter((s) => s.started_at >= before);
      const n = store.spans.length - keep.length;
      store.spans = keep;
      return n;
    },
    async listAlertRules(): Promise<JsonObject[]> {
      return [];
    },
    async saveAlertRule() {},
    async deleteAlertRule() {
      return false;
    },
    async loadAlertStates() {
      return {};
    },
    async saveAlertState() {},
    health() {
      return store.healthState;
    },
    async close() {
      store.closed++;
    },
  };
  return store;
}
