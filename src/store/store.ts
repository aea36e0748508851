import type { ContentStore, SpanContent } from "../content/types.js";
import type { ScoreStore } from "../score/types.js";
import type { Span, SpanStatus } from "../span/types.js";
import type { SessionStore } from "./sessions.js";

/**
 * The span fields filters and group-by name (besides attribute keys): one list for every
 * parser, driver and matcher. Rollups key on the first four; session_id and user_id are read
 * from the spans (see FIELDS_FROM_SPANS).
 */
export const FILTER_FIELDS = ["model", "caller", "provider", "status", "session_id", "user_id"] as const;
/** A span field a filter or group-by names. */
export type FilterField = (typeof FILTER_FIELDS)[number];
/** Filter fields no rollup keeps: a filter or group-by on one reads the spans of the window. */
export const FIELDS_FROM_SPANS: readonly FilterField[] = ["session_id", "user_id"];

/** True when a filter or group-by names a field no rollup keeps (FIELDS_FROM_SPANS). */
export function readsSpans(filter: SpanFilter, groupBy?: GroupBy): boolean {
  if (FIELDS_FROM_SPANS.some((k) => filter[k] !== undefined)) return true;
  return groupBy !== undefined && "column" in groupBy && FIELDS_FROM_SPANS.includes(groupBy.column);
}

/** Filters shared by trace search, metrics and alert rules. All fields are exact matches. */
export interface SpanFilter {
  model?: string;
  caller?: string;
  provider?: string;
  status?: SpanStatus;
  /** The conversation (span field session_id). */
  session_id?: string;
  /** The end user (span field user_id). */
  user_id?: string;
  /** attr.KEY=value pairs; values compare as strings (a number 5 matches "5", true matches "true"). */
  attrs?: Record<string, string>;
}

export interface TraceQuery extends SpanFilter {
  since?: number; // epoch ms, exclusive lower bound on span started_at
  until?: number; // epoch ms, exclusive upper bound on span started_at
  limit: number;
  offset: number;
  /** Continue strictly after this trace in the search order (newest start first, trace_id descending on ties). */
  after?: TraceKey;
}

/** A trace's place in the search order: its start (earliest span) and its id. */
export interface TraceKey {
  start: number;
  traceId: string;
}

export interface TraceSearchResult {
  /** Each entry is all spans of one trace (ordered by started_at), traces newest first. */
  traces: Span[][];
  hasMore: boolean;
}

/**
 * Group-by dimension: a span column or an attribute key. Spans without the key fall in "(none)".
 * With `keep`, only those groups keep their name; every other group's spans fold into one
 * "(other)" group, whose figures (percentiles included) are computed over its spans.
 */
export type GroupBy = ({ column: FilterField } | { attr: string }) & {
  keep?: readonly string[];
};

/**
 * One aggregation over LLM spans (model IS NOT NULL) with started_at in [from, to).
 * With groupBy, one row per group; with stepMs, one row per (bucket, group),
 * bucket = from + k*stepMs. Without either, exactly one row (counts 0 when empty).
 */
export interface SummaryQuery {
  from: number;
  to: number;
  filter: SpanFilter;
  groupBy?: GroupBy;
  stepMs?: number;
  /**
   * Which statistics to compute (default both): "latency" = latency_* and ttft_*, "quality" =
   * quality_avg/p10. A driver may return null for the ones not asked for: percentiles are the
   * costly part of a query, and cost, token and error figures do not need them.
   */
  stats?: readonly ("latency" | "quality")[];
  /**
   * Percentiles are exact (linear interpolation, like quantile_cont) when every row of the
   * result has at most this many spans (default 100,000); when any row has more, all rows'
   * percentiles come from the log-bucket histogram of src/stats/sketch.ts (within 0.5%).
   */
  exactLimit?: number;
}

/** What groupSizes counts: the LLM spans of [from, to) matching `filter`, per group of `groupBy`. */
export type GroupSizeQuery = Pick<SummaryQuery, "from" | "to" | "filter"> & { groupBy: GroupBy };

export interface SummaryRow {
  group: string | null; // null when no groupBy
  bucket: number | null; // bucket start (epoch ms) when stepMs, else null
  span_count: number;
  cost_usd: number; // exact decimal sum of priced spans
  unpriced_count: number;
  prompt_tokens: number;
  comp_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  error_count: number; // status error or timeout: a timeout is a failed call too
  timeout_count: number;
  // latency/ttft/quality statistics are null when there are no values
  latency_p50: number | null;
  latency_p95: number | null;
  latency_p99: number | null;
  latency_avg: number | null;
  latency_max: number | null;
  ttft_p50: number | null;
  ttft_p95: number | null;
  quality_avg: number | null;
  quality_p10: number | null;
  scored_count: number;
}

/** Counts of LLM spans per (model, provider, caller) with cumulative histogram buckets, for Prometheus. */
export interface ExpositionQuery {
  latencyBucketsMs: number[];
  qualityBuckets: number[];
}
export interface ExpositionRow {
  model: string;
  provider: string; // "" when unknown
  caller: string; // "" when unknown
  span_count: number;
  error_count: number;
  cost_usd: number;
  prompt_tokens: number;
  comp_tokens: number;
  latency_sum: number;
  latency_buckets: number[]; // cumulative counts, same order as latencyBucketsMs (+Inf = span_count)
  quality_count: number;
  quality_sum: number;
  quality_buckets: number[]; // cumulative
}

/** Position after the last span of an export page: pages are ordered by (started_at, trace_id, span_id). */
export interface ExportCursor {
  started_at: number;
  trace_id: string;
  span_id: string;
}

/**
 * One page of spans (LLM or not) for export, in (started_at, trace_id, span_id) order.
 * `since`/`until` bound started_at as [since, until); `ingestedFrom`/`ingestedTo` bound the
 * time the store committed the span as [from, to) (the scheduled export follows arrival, so
 * a span that arrives late still lands in a later file). `after` continues a previous page.
 */
export interface ExportQuery {
  since?: number;
  until?: number;
  ingestedFrom?: number;
  ingestedTo?: number;
  filter: SpanFilter;
  after?: ExportCursor;
  limit: number;
}

export interface StoreHealth {
  ok: boolean;
  reason?: string;
}

/** Any JSON value persisted for alerts (rules created through the API, per-rule state). */
export type JsonObject = { [k: string]: unknown };

/** Which keys of a rule's state a write owns (see Store.saveAlertStatePart). */
export type AlertStatePart = "silence" | "evaluation";

/**
 * The storage interface every driver (memory, duckdb, postgres) implements and the
 * conformance suite (src/store/testing/conformance.ts) checks.
 */
export interface Store {
  readonly driver: "memory" | "duckdb" | "postgres";
  /**
   * Durably commits the spans and their content rows; resolves only once both are committed
   * (all or nothing: DuckDB in one transaction; elsewhere content first, so a span is never
   * committed without its content, and a retry replaces content left by a failed insert).
   * Exactly once by identity: a span whose (trace_id, span_id) is already stored, or came
   * earlier in the same batch, is skipped (the stored copy stays; rollups count it once).
   * PostgreSQL keys it by (trace_id, span_id, started_at): the partition key must be part of it.
   */
  insert(spans: Span[], content?: SpanContent[]): Promise<void>;
  /** All spans of one trace ordered by started_at; [] when unknown. */
  getTrace(traceId: string): Promise<Span[]>;
  searchTraces(q: TraceQuery): Promise<TraceSearchResult>;
  summarize(q: SummaryQuery): Promise<SummaryRow[]>;
  /**
   * Optional: the span count of every group of a grouped window, and nothing else (the first
   * pass of the group cap, which only ranks groups). Cheaper than summarize when the groups
   * are many and come from spans (100,000 users). Absent: summarize answers it.
   */
  groupSizes?(q: GroupSizeQuery): Promise<{ group: string; span_count: number }[]>;
  exposition(q: ExpositionQuery): Promise<ExpositionRow[]>;
  /**
   * Spans whose declared dimension value was folded into "(other)" (its hour already had
   * metrics.max_dimension_values values), per dimension, counted at ingest. Absent = the
   * driver does not roll up dimensions.
   */
  foldedSpans?(): Promise<Record<string, number>>;
  /** Number of stored spans (all, LLM or not). */
  countSpans(): Promise<number>;
  /** One page of spans for export (see ExportQuery); fewer than `limit` means the last page. */
  exportPage(q: ExportQuery): Promise<Span[]>;
  /**
   * The earliest time (epoch ms) at which the store committed a span, among spans committed at
   * or after `from`; null when there is none. Spans stored before this column existed count
   * as committed at their ended_at.
   */
  firstIngestedAt(from: number): Promise<number | null>;
  /**
   * The clock that stamps commit times, when it is not this process's (a shared database's
   * own clock). Absent = Date.now.
   */
  clock?(): Promise<number>;
  /** Deletes spans that started before `before` (epoch ms); returns how many. */
  deleteBefore(before: number): Promise<number>;
  /** Prompts and completions: a table of their own, with their own retention (docs/content.md). */
  readonly content: ContentStore;
  /** Scores of traces and spans (POST /scores): a table of their own, kept as long as spans. */
  readonly scores: ScoreStore;
  /** Sessions and users (GET /sessions, /sessions/{id}, /users), read from the spans. */
  readonly sessions: SessionStore;

  listAlertRules(): Promise<JsonObject[]>;
  saveAlertRule(name: string, rule: JsonObject): Promise<void>;
  deleteAlertRule(name: string): Promise<boolean>;
  /**
   * Shared stores only: saves a new rule unless one of that name is stored, in one
   * statement, so two instances creating one name at once cannot both succeed. Resolves
   * false when the name is taken. Absent = saveAlertRule after the caller's own check.
   */
  addAlertRule?(name: string, rule: JsonObject): Promise<boolean>;
  loadAlertStates(): Promise<Record<string, JsonObject>>;
  saveAlertState(name: string, state: JsonObject): Promise<void>;
  /**
   * Shared stores only: writes one part of a rule's state in one statement, so instances
   * writing at once do not undo each other. "silence" sets silenced_until and group_silences
   * alone (a silence from any instance); "evaluation" sets every other key and keeps the
   * stored silences (the leader's rounds). The whole `state` is written when the rule has
   * none yet. Absent = one process owns the state and saveAlertState is enough.
   */
  saveAlertStatePart?(name: string, state: JsonObject, part: AlertStatePart): Promise<void>;
  /**
   * Shared stores only (several servers on one database): resolves true when this instance
   * should evaluate alert rules this round (e.g. it holds an advisory lock), false when
   * another one does. Absent = this instance always evaluates.
   */
  tryLeadAlerts?(): Promise<boolean>;

  health(): StoreHealth;
  /**
   * Optional active check for periodic health polling (cheap: a trivial round trip to the
   * database). Resolves to the same shape as health(); never rejects.
   */
  probe?(): Promise<StoreHealth>;
  close(): Promise<void>;
}
