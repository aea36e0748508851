import type { SpanContent } from "../../content/types.js";
import type { Span } from "../../span/types.js";
import { DimensionFolder, type Dimensions, NO_DIMENSIONS, OTHER } from "../rollup/dimensions.js";
import { bucketOf, HOUR_MS } from "../rollup/plan.js";
import { SessionReader } from "../sessions-read.js";
import type {
  ExportQuery,
  ExpositionQuery,
  ExpositionRow,
  JsonObject,
  Store,
  StoreHealth,
  SummaryQuery,
  SummaryRow,
  TraceQuery,
  TraceSearchResult,
} from "../store.js";
import { isAfter } from "../trace-search.js";
import { MemoryContent } from "./content.js";
import { exportFrom, firstIngested } from "./export.js";
import { byStart, newestFirst, spanMatches } from "./match.js";
import { MemoryScores } from "./scores.js";
import { memorySessionSource } from "./sessions.js";
import { type DimensionView, exposeSpans, summarizeSpans } from "./summarize.js";

/** A span's identity (trace_id, span_id) as one string. */
function spanKey(s: Pick<Span, "trace_id" | "span_id">): string {
  return `${s.trace_id}\u0000${s.span_id}`;
}

// Stored copies: callers may mutate what they passed in or got back.
function copy(s: Span): Span {
  return { ...s, attributes: { ...s.attributes } };
}

function clone(o: JsonObject): JsonObject {
  return structuredClone(o);
}

/**
 * The in-memory store: tests and the in-process tracer when no storage is configured.
 * Nothing survives the process.
 *
 * @example const store = new MemoryStore(); await store.insert(spans);
 */
export class MemoryStore implements Store {
  readonly driver = "memory" as const;
  private spans: Span[] = [];
  /** Spans retention removed, still counted by exposition: counters never go down. */
  private retired: Span[] = [];
  private byTrace = new Map<string, Span[]>();
  /** The (trace_id, span_id) of every stored span: a span already stored is not stored again. */
  private ids = new Set<string>();
  private readonly ingested = new WeakMap<Span, number>();
  private rules = new Map<string, JsonObject>();
  private states = new Map<string, JsonObject>();
  private closed = false;
  private readonly folder: DimensionFolder;
  /** Each LLM span's declared dimensions, folded on arrival as the rollup stores do. */
  private readonly dims = new WeakMap<Span, Record<string, string>>();
  private readonly view: DimensionView;
  // Commit times for exportPage/firstIngestedAt; tests pass a fake clock.
  private readonly now: () => number;

  constructor(dimensions: Dimensions = NO_DIMENSIONS, opts: { now?: () => number } = {}) {
    this.folder = new DimensionFolder(dimensions);
    this.view = { names: dimensions.names, dimsOf: (s) => this.dims.get(s) ?? {} };
    this.now = opts.now ?? Date.now;
  }

  private check(): void {
    if (this.closed) throw new Error("store is closed");
  }

  readonly content = new MemoryContent(() => this.check());
  readonly scores = new MemoryScores(
    () => this.check(),
    (traceId) => this.byTrace.get(traceId) ?? [],
  );
  readonly sessions = new SessionReader(
    memorySessionSource(
      () => {
        this.check();
        return this.spans;
      },
      (id) => this.byTrace.get(id) ?? [],
      this.scores,
    ),
  );

  async insert(spans: Span[], content?: SpanContent[]): Promise<void> {
    this.check();
    if (content !== undefined) await this.content.insertContent(content);
    const now = this.now();
    for (const s of spans) {
      const key = spanKey(s);
      if (this.ids.has(key)) continue;
      this.ids.add(key);
      const c = copy(s);
      if (c.model !== null && this.folder.dims.names.length > 0) {
        this.dims.set(c, JSON.parse(this.folder.fold(c.started_at, c.attributes)) as Record<string, string>);
        this.folder.takeFresh();
      }
      this.spans.push(c);
      this.ingested.set(c, now);
      const t = this.byTrace.get(c.trace_id);
      if (t === undefined) this.byTrace.set(c.trace_id, [c]);
      else t.push(c);
    }
  }

  async getTrace(traceId: string): Promise<Span[]> {
    this.check();
    return (this.byTrace.get(traceId) ?? []).map(copy).sort(byStart);
  }

  async searchTraces(q: TraceQuery): Promise<TraceSearchResult> {
    this.check();
    const need = q.offset + q.limit + 1; // one extra answers hasMore
    // The newest `need` traces, kept bounded: sorted and cut whenever it doubles.
    let best: { id: string; start: number }[] = [];
    for (const [id, spans] of this.byTrace) {
      // A loop, not Math.min(...spread): a trace may hold more spans than the call stack takes.
      let start = Number.POSITIVE_INFINITY;
      let hit = false;
      for (const s of spans) {
        if (s.started_at < start) start = s.started_at;
        hit ||= spanMatches(s, q);
      }
      if (!hit || !isAfter(start, id, q.after)) continue;
      best.push({ id, start });
      if (best.length >= 2 * need) best = best.sort(newestFirst).slice(0, need);
    }
    best.sort(newestFirst);
    const page = best.slice(q.offset, q.offset + q.limit);
    return {
      traces: page.map((t) => (this.byTrace.get(t.id) ?? []).map(copy).sort(byStart)),
      hasMore: best.length > q.offset + q.limit,
    };
  }

  async summarize(q: SummaryQuery): Promise<SummaryRow[]> {
    this.check();
    return summarizeSpans(this.spans, q, this.view);
  }

  async exposition(q: ExpositionQuery): Promise<ExpositionRow[]> {
    this.check();
    return exposeSpans([...this.retired, ...this.spans], q);
  }

  async foldedSpans(): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(this.folder.dims.names.map((d) => [d, 0]));
    for (const s of [...this.retired, ...this.spans]) {
      for (const [d, v] of Object.entries(this.dims.get(s) ?? {})) if (v === OTHER) out[d]++;
    }
    return out;
  }

  async exportPage(q: ExportQuery): Promise<Span[]> {
    this.check();
    return exportFrom(this.spans, this.ingestedAt, q).map(copy);
  }

  async firstIngestedAt(from: number): Promise<number | null> {
    this.check();
    return firstIngested(this.spans, this.ingestedAt, from);
  }

  private readonly ingestedAt = (s: Span) => this.ingested.get(s) ?? s.ended_at;

  async countSpans(): Promise<number> {
    this.check();
    return this.spans.length;
  }

  async deleteBefore(before: number): Promise<number> {
    this.check();
    const keep = this.spans.filter((s) => s.started_at >= before);
    const removed = this.spans.length - keep.length;
    if (removed === 0) return 0;
    for (const s of this.spans) if (s.started_at < before && s.model !== null) this.retired.push(s);
    this.folder.dropBefore(bucketOf(before, HOUR_MS));
    this.spans = keep;
    this.byTrace = new Map();
    this.ids = new Set(keep.map(spanKey));
    for (const s of keep) {
      const t = this.byTrace.get(s.trace_id);
      if (t === undefined) this.byTrace.set(s.trace_id, [s]);
      else t.push(s);
    }
    return removed;
  }

  async listAlertRules(): Promise<JsonObject[]> {
    this.check();
    return [...this.rules.keys()].sort().map((k) => clone(this.rules.get(k) as JsonObject));
  }

  async saveAlertRule(name: string, rule: JsonObject): Promise<void> {
    this.check();
    this.rules.set(name, clone(rule));
  }

  async deleteAlertRule(name: string): Promise<boolean> {
    this.check();
    return this.rules.delete(name);
  }

  async loadAlertStates(): Promise<Record<string, JsonObject>> {
    this.check();
    // fromEntries defines own properties, so a rule named "__proto__" stays a plain key.
    return Object.fromEntries([...this.states].map(([k, v]) => [k, clone(v)]));
  }

  async saveAlertState(name: string, state: JsonObject): Promise<void> {
    this.check();
    this.states.set(name, clone(state));
  }

  health(): StoreHealth {
    return this.closed ? { ok: false, reason: "store is closed" } : { ok: true };
  }

  async probe(): Promise<StoreHealth> {
    return this.health();
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
