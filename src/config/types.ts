import type { RedactRule } from "./redact-rules.js";

/** What a bearer token may do: ingest spans, read (every GET), or everything. */
export const TOKEN_SCOPES = ["ingest", "read", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** One entry of `auth.tokens`. */
export interface ScopedToken {
  token: string;
  scope: TokenScope;
}

/**
 * The validated, frozen configuration (tokentrace.yml + environment + CLI flags + defaults).
 * `Rule` is what the alerts module's validateRule returns (config stands below alerts and
 * cannot name it): loadConfig gives Config<AlertRule>. A config built in code (tests, the
 * in-process tracer) holds unchecked rules, which the alerts service validates at start.
 */
export interface Config<Rule = unknown> {
  service: string | null;
  http_server: {
    addr: string; // ":9090", "127.0.0.1:0", ...
    auth_token: string | null;
    max_batch_size: number;
    max_body_bytes: number;
    /** Whole request (headers and body) must arrive within this; then 408 and the connection closes. */
    request_timeout_ms: number;
    /** Headers must arrive within this (at most request_timeout). */
    headers_timeout_ms: number;
    /** An idle keep-alive connection is closed after this. */
    keep_alive_timeout_ms: number;
  };
  /** Bearer tokens with a scope, besides http_server.auth_token (which is admin). */
  auth: { tokens: ScopedToken[] };
  storage: {
    driver: "duckdb" | "postgres" | "memory";
    path: string;
    url: string | null;
  };
  retention_ms: number;
  /** Checks on spans as they arrive. */
  ingest: {
    /** A span starting further than this ahead of the server's clock is refused. */
    max_future_ms: number;
  };
  quality: { score_attribute: string };
  pricing: { overrides: Record<string, PriceOverride> };
  alerts: {
    eval_interval_ms: number;
    allowed_hosts: string[] | null;
    /** Checked by LoadOptions.validateRule; each error is reported with its config line. */
    rules: Rule[];
  };
  otlp: { addr: string | null };
  /**
   * Attribute keys rolled up like model (metrics.dimensions), at most max_dimension_values per
   * hour each; a grouped answer names at most max_groups groups (max_series_groups in a series).
   */
  metrics: { dimensions: string[]; max_dimension_values: number; max_groups: number; max_series_groups: number };
  /** Prompts and completions (docs/content.md). */
  content: {
    /** false: content is dropped at ingest; spans and costs are still stored. */
    enabled: boolean;
    /** Most bytes of content per span (its JSON, UTF-8); longer content is cut with a marker. */
    max_bytes: number;
    /** How long content is kept, apart from span retention. */
    retention_ms: number;
    /** Redaction before storing: preset names and { pattern, replacement } rules, in run order. */
    redact: RedactRule[];
  };
  /** Scheduled incremental export (src/export/schedule.ts); off while dir is null. */
  export: { dir: string | null; every_ms: number; format: "parquet" | "csv" | "jsonl" };
}

/** One model's prices in USD per million tokens (pricing.overrides). */
export interface PriceOverride {
  input_per_mtok: number;
  output_per_mtok: number;
  cached_input_per_mtok?: number;
  cache_write_per_mtok?: number;
}

export const DEFAULT_CONFIG: Config = {
  service: null,
  http_server: {
    addr: ":9090",
    auth_token: null,
    max_batch_size: 1000,
    max_body_bytes: 10 * 1024 * 1024,
    request_timeout_ms: 30_000,
    headers_timeout_ms: 10_000,
    keep_alive_timeout_ms: 72_000,
  },
  auth: { tokens: [] },
  storage: { driver: "duckdb", path: "./.tokentrace/spans.duckdb", url: null },
  retention_ms: 30 * 24 * 3600 * 1000,
  ingest: { max_future_ms: 3600 * 1000 },
  quality: { score_attribute: "eval.score" },
  pricing: { overrides: {} },
  alerts: { eval_interval_ms: 30_000, allowed_hosts: null, rules: [] },
  otlp: { addr: null },
  metrics: { dimensions: [], max_dimension_values: 1000, max_groups: 100, max_series_groups: 20 },
  content: { enabled: true, max_bytes: 64 * 1024, retention_ms: 7 * 24 * 3600 * 1000, redact: ["secrets"] },
  export: { dir: null, every_ms: 3_600_000, format: "parquet" },
};
