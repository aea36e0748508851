import * as f from "./parse.js";
import type { Config, PriceOverride } from "./types.js";

/** How one scalar setting is read, where it lands in Config, and which env var / flag can set it. */
export interface FieldSpec {
  /**
   * Checks one value and, when it is good, stores it in the config; returns the problem, or
   * null. A good value that deserves a note (a redundant entry) is passed to `warn`.
   */
  apply: (c: Config, v: unknown, warn: (message: string) => void) => string | null;
  env?: readonly string[]; // first one set wins
  flag?: keyof ConfigFlags;
}

/** Settings the CLI can pass (CLI flag > environment > file > default). */
export interface ConfigFlags {
  addr: string;
  storage_driver: string;
  storage_path: string;
  storage_url: string;
  auth_token: string;
}

export const FLAG_NAMES: Record<keyof ConfigFlags, string> = {
  addr: "--addr",
  storage_driver: "--storage-driver",
  storage_path: "--storage-path",
  storage_url: "--storage-url",
  auth_token: "--auth-token",
};

function field<T>(parse: f.Parse<T>, set: (c: Config, v: T) => void, more: Partial<FieldSpec> = {}): FieldSpec {
  const apply = (c: Config, v: unknown, warn: (message: string) => void) => {
    const r = parse(v);
    if (!r.ok) return r.message;
    if (r.warning !== undefined) warn(r.warning);
    set(c, r.value);
    return null;
  };
  return { apply, ...more };
}

const STORAGE_DRIVERS = ["duckdb", "postgres", "memory"] as const;
export const EXPORT_FORMATS = ["parquet", "csv", "jsonl"] as const;

/** Every scalar setting, by its dotted YAML path. */
export const FIELDS: Record<string, FieldSpec> = {
  service: field(f.optString, (c, v) => (c.service = v), { env: ["TOKENTRACE_SERVICE"] }),
  "http_server.addr": field(f.addr, (c, v) => (c.http_server.addr = v), { env: ["TOKENTRACE_ADDR"], flag: "addr" }),
  "http_server.auth_token": field(f.optString, (c, v) => (c.http_server.auth_token = v), {
    env: ["TOKENTRACE_API_TOKEN"],
    flag: "auth_token",
  }),
  "http_server.max_batch_size": field(f.positiveInt, (c, v) => (c.http_server.max_batch_size = v), {
    env: ["TOKENTRACE_MAX_BATCH_SIZE"],
  }),
  "http_server.max_body_bytes": field(f.positiveInt, (c, v) => (c.http_server.max_body_bytes = v), {
    env: ["TOKENTRACE_MAX_BODY_BYTES"],
  }),
  "http_server.request_timeout": field(f.serverTimeout, (c, v) => (c.http_server.request_timeout_ms = v), {
    env: ["TOKENTRACE_REQUEST_TIMEOUT"],
  }),
  "http_server.headers_timeout": field(f.serverTimeout, (c, v) => (c.http_server.headers_timeout_ms = v), {
    env: ["TOKENTRACE_HEADERS_TIMEOUT"],
  }),
  "http_server.keep_alive_timeout": field(f.serverTimeout, (c, v) => (c.http_server.keep_alive_timeout_ms = v), {
    env: ["TOKENTRACE_KEEP_ALIVE_TIMEOUT"],
  }),
  "storage.driver": field(f.oneOf(STORAGE_DRIVERS), (c, v) => (c.storage.driver = v), {
    env: ["TOKENTRACE_STORAGE_DRIVER"],
    flag: "storage_driver",
  }),
  "storage.path": field(f.string, (c, v) => (c.storage.path = v), {
    env: ["TOKENTRACE_STORAGE_PATH"],
    flag: "storage_path",
  }),
  "storage.url": field(f.optString, (c, v) => (c.storage.url = v), {
    env: ["TOKENTRACE_STORAGE_URL", "DATABASE_URL"],
    flag: "storage_url",
  }),
  retention: field(f.duration, (c, v) => (c.retention_ms = v), { env: ["TOKENTRACE_RETENTION"] }),
  "ingest.max_future": field(f.duration, (c, v) => (c.ingest.max_future_ms = v), {
    env: ["TOKENTRACE_INGEST_MAX_FUTURE"],
  }),
  "quality.score_attribute": field(f.string, (c, v) => (c.quality.score_attribute = v), {
    env: ["TOKENTRACE_QUALITY_ATTRIBUTE"],
  }),
  "alerts.eval_interval": field(f.duration, (c, v) => (c.alerts.eval_interval_ms = v), {
    env: ["TOKENTRACE_ALERTS_EVAL_INTERVAL"],
  }),
  "alerts.allowed_hosts": field(f.hostList, (c, v) => (c.alerts.allowed_hosts = v), {
    env: ["TOKENTRACE_ALERTS_ALLOWED_HOSTS"],
  }),
  "export.dir": field(f.optString, (c, v) => (c.export.dir = v), { env: ["TOKENTRACE_EXPORT_DIR"] }),
  "export.every": field(f.exportEvery, (c, v) => (c.export.every_ms = v), { env: ["TOKENTRACE_EXPORT_EVERY"] }),
  "export.format": field(f.oneOf(EXPORT_FORMATS), (c, v) => (c.export.format = v), {
    env: ["TOKENTRACE_EXPORT_FORMAT"],
  }),
  "otlp.addr": field(f.optAddr, (c, v) => (c.otlp.addr = v), { env: ["TOKENTRACE_OTLP_ADDR"] }),
  "metrics.dimensions": field(f.dimensionList, (c, v) => (c.metrics.dimensions = v), {
    env: ["TOKENTRACE_METRICS_DIMENSIONS"],
  }),
  "metrics.max_dimension_values": field(f.positiveInt, (c, v) => (c.metrics.max_dimension_values = v), {
    env: ["TOKENTRACE_METRICS_MAX_DIMENSION_VALUES"],
  }),
  "metrics.max_groups": field(f.positiveInt, (c, v) => (c.metrics.max_groups = v), {
    env: ["TOKENTRACE_METRICS_MAX_GROUPS"],
  }),
  "metrics.max_series_groups": field(f.positiveInt, (c, v) => (c.metrics.max_series_groups = v), {
    env: ["TOKENTRACE_METRICS_MAX_SERIES_GROUPS"],
  }),
  "content.enabled": field(f.boolean, (c, v) => (c.content.enabled = v), { env: ["TOKENTRACE_CONTENT_ENABLED"] }),
  "content.max_bytes": field(f.positiveInt, (c, v) => (c.content.max_bytes = v), {
    env: ["TOKENTRACE_CONTENT_MAX_BYTES"],
  }),
  "content.retention": field(f.duration, (c, v) => (c.content.retention_ms = v), {
    env: ["TOKENTRACE_CONTENT_RETENTION"],
  }),
  "content.redact": field(f.redactRules, (c, v) => (c.content.redact = v), { env: ["TOKENTRACE_CONTENT_REDACT"] }),
};

/** Mappings that only group other keys. */
export const SECTIONS: ReadonlySet<string> = new Set([
  "http_server",
  "auth",
  "storage",
  "ingest",
  "quality",
  "pricing",
  "alerts",
  "otlp",
  "metrics",
  "content",
  "export",
]);

/** Keys with their own readers (see load.ts). */
const SPECIAL: ReadonlySet<string> = new Set(["pricing.overrides", "alerts.rules"]);

export const OVERRIDE_FIELDS = [
  "input_per_mtok",
  "output_per_mtok",
  "cached_input_per_mtok",
  "cache_write_per_mtok",
] as const satisfies readonly (keyof PriceOverride)[];
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];

export function isOverrideField(k: string): k is OverrideField {
  return (OVERRIDE_FIELDS as readonly string[]).includes(k);
}

/** The keys allowed directly under a section path ("" = top level), for typo suggestions. */
export function keysUnder(prefix: string): string[] {
  const all = [...Object.keys(FIELDS), ...SECTIONS, ...SPECIAL];
  const start = prefix === "" ? "" : `${prefix}.`;
  return all
    .filter((k) => k.startsWith(start) && !k.slice(start.length).includes("."))
    .map((k) => k.slice(start.length));
}

/** The closest known key within edit distance 2, to suggest for a typo. */
export function suggest(key: string, known: string[]): string | null {
  let best: string | null = null;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
