import type { Figures } from "./figures.js";

/** The metric families: each a block of GET /metrics and a response of GET /metrics/{name}. */
const FAMILIES = ["cost", "tokens", "latency", "errors", "quality", "throughput"] as const;
export type Family = (typeof FAMILIES)[number];

/** Family names that are aliases; `error_rate` is the seed page's name for the errors family. */
const FAMILY_ALIASES: Readonly<Record<string, Family>> = { error_rate: "errors" };

export type Unit = "count" | "usd" | "tokens" | "ms" | "ratio" | "score";

/** The statistics a figure needs from the store (percentiles are the costly part of a query). */
export type Stats = readonly ("latency" | "quality")[];
const LAT: Stats = ["latency"];
const QUAL: Stats = ["quality"];
const NONE: Stats = [];

/** What each family block needs computed. */
export const FAMILY_STATS: Readonly<Record<Family, Stats>> = {
  cost: NONE,
  tokens: NONE,
  latency: LAT,
  errors: NONE,
  quality: QUAL,
  throughput: NONE,
};

export interface ScalarMetric {
  name: string;
  unit: Unit;
  help: string;
  /** The figure, read from the same rounded figures the families show; null when undefined. */
  value: (f: Figures) => number | null;
  /** How a series fills a bucket without spans: 0 for totals, null for averages, rates and percentiles. */
  emptyValue: 0 | null;
  stats: Stats;
}

/**
 * The scalar metrics of GET /metrics/{name}, alert rules and series. They read the figures
 * the family blocks show, so an alert and /metrics never disagree.
 */
export const SCALARS: readonly ScalarMetric[] = [
  {
    name: "span_count",
    unit: "count",
    help: "LLM calls in the window.",
    value: (f) => f.span_count,
    emptyValue: 0,
    stats: NONE,
  },
  {
    name: "total_cost",
    unit: "usd",
    help: "Sum of cost_usd over priced calls.",
    value: (f) => f.total_usd,
    emptyValue: 0,
    stats: NONE,
  },
  {
    name: "cost_per_call",
    unit: "usd",
    help: "total_cost / priced calls.",
    value: (f) => f.per_call_usd,
    emptyValue: null,
    stats: NONE,
  },
  {
    name: "prompt_tokens",
    unit: "tokens",
    help: "Sum of prompt tokens.",
    value: (f) => f.prompt_total,
    emptyValue: 0,
    stats: NONE,
  },
  {
    name: "completion_tokens",
    unit: "tokens",
    help: "Sum of completion tokens.",
    value: (f) => f.completion_total,
    emptyValue: 0,
    stats: NONE,
  },
  {
    name: "total_tokens",
    unit: "tokens",
    help: "Sum of total tokens.",
    value: (f) => f.total_tokens,
    emptyValue: 0,
    stats: NONE,
  },
  { name: "latency_p50", unit: "ms", help: "Median latency.", value: (f) => f.p50_ms, emptyValue: null, stats: LAT },
  {
    name: "latency_p95",
    unit: "ms",
    help: "95th percentile latency.",
    value: (f) => f.p95_ms,
    emptyValue: null,
    stats: LAT,
  },
  {
    name: "latency_p99",
    unit: "ms",
    help: "99th percentile latency.",
    value: (f) => f.p99_ms,
    emptyValue: null,
    stats: LAT,
  },
  { name: "latency_avg", unit: "ms", help: "Mean latency.", value: (f) => f.avg_ms, emptyValue: null, stats: LAT },
  {
    name: "ttft_p95",
    unit: "ms",
    help: "95th percentile time to first token (streamed calls).",
    value: (f) => f.ttft_p95_ms,
    emptyValue: null,
    stats: LAT,
  },
  {
    name: "error_rate",
    unit: "ratio",
    help: "(error + timeout calls) / calls.",
    value: (f) => f.error_rate,
    emptyValue: null,
    stats: NONE,
  },
  {
    name: "error_count",
    unit: "count",
    help: "Calls with status error or timeout.",
    value: (f) => f.error_count,
    emptyValue: 0,
    stats: NONE,
  },
  {
    name: "timeout_rate",
    unit: "ratio",
    help: "Timed-out calls / calls.",
    value: (f) => f.timeout_rate,
    emptyValue: null,
    stats: NONE,
  },
  {
    name: "quality_avg",
    unit: "score",
    help: "Mean eval score of scored calls.",
    value: (f) => f.score_avg,
    emptyValue: null,
    stats: QUAL,
  },
  {
    name: "quality_p10",
    unit: "score",
    help: "10th percentile eval score.",
    value: (f) => f.score_p10,
    emptyValue: null,
    stats: QUAL,
  },
];

const BY_NAME = new Map(SCALARS.map((m) => [m.name, m]));

export function findScalar(name: string): ScalarMetric | undefined {
  return BY_NAME.get(name);
}

export function findFamily(name: string): Family | undefined {
  if ((FAMILIES as readonly string[]).includes(name)) return name as Family;
  // own keys only: "constructor" or "__proto__" must be a 404, not Object.prototype's
  return Object.hasOwn(FAMILY_ALIASES, name) ? FAMILY_ALIASES[name] : undefined;
}

/** Every name GET /metrics/{name} accepts, for the 404 message. */
export function knownMetricNames(): string[] {
  return [
    ...FAMILIES,
    ...Object.keys(FAMILY_ALIASES),
    ...SCALARS.map((m) => m.name).filter((n) => !(n in FAMILY_ALIASES)),
  ];
}

/** The scalar a series of a family plots (a family has several figures; a chart shows one). */
export const FAMILY_SERIES: Readonly<Record<Family, string>> = {
  cost: "total_cost",
  tokens: "total_tokens",
  latency: "latency_p95",
  errors: "error_rate",
  quality: "quality_avg",
  throughput: "span_count",
};
