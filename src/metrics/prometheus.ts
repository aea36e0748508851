import { roundCost } from "../stats/cost.js";
import { LATENCY_LE, QUALITY_LE } from "../store/rollup/fields.js";
import type { ExpositionRow, Store } from "../store/store.js";

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

// Histogram bounds (the seed page shows le="100", "500", "1000"): the bounds the rollups count spans under, so the exposition never scans spans.
export const LATENCY_BUCKETS_MS = [...LATENCY_LE];
export const QUALITY_BUCKETS = [...QUALITY_LE];

/** Escapes a label value for the text format: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Escapes HELP text: backslash and newline (quotes are literal there). */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value as the text format writes it (Go-style +Inf/-Inf/NaN). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

type Labels = [string, string][];

function labelText(labels: Labels): string {
  if (labels.length === 0) return "";
  return `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

/** Accumulates metric families in exposition order: HELP, TYPE, then samples. */
export class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    if (this.lines.length > 0) this.lines.push("");
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.lines.push(`${name}${labelText(labels)} ${formatValue(value)}`);
    return this;
  }

  /** A histogram's cumulative buckets (ending with le="+Inf" = count), _sum and _count. */
  histogram(name: string, labels: Labels, bounds: number[], cumulative: number[], sum: number, count: number): this {
    bounds.forEach((le, i) => {
      this.sample(`${name}_bucket`, [...labels, ["le", formatValue(le)]], cumulative[i]);
    });
    this.sample(`${name}_bucket`, [...labels, ["le", "+Inf"]], count);
    this.sample(`${name}_sum`, labels, sum);
    return this.sample(`${name}_count`, labels, count);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

/** Only the bounded labels: never attribute values or ids, which would explode cardinality. */
const labelsOf = (r: ExpositionRow): Labels => [
  ["model", r.model],
  ["provider", r.provider],
  ["caller", r.caller],
];

/** Renders the LLM metric families from the store's per-(model, provider, caller) rows. */
export function renderSpanMetrics(out: Exposition, rows: ExpositionRow[]): void {
  out.family("tokentrace_spans_total", "counter", "LLM calls recorded.");
  for (const r of rows) out.sample("tokentrace_spans_total", labelsOf(r), r.span_count);
  out.family("tokentrace_cost_total", "counter", "Total cost in USD.");
  for (const r of rows) out.sample("tokentrace_cost_total", labelsOf(r), roundCost(r.cost_usd));
  out.family("tokentrace_tokens_total", "counter", "Tokens used, by type (prompt or completion).");
  for (const r of rows) {
    out.sample("tokentrace_tokens_total", [...labelsOf(r), ["type", "prompt"]], r.prompt_tokens);
    out.sample("tokentrace_tokens_total", [...labelsOf(r), ["type", "completion"]], r.comp_tokens);
  }
  out.family("tokentrace_errors_total", "counter", "LLM calls that ended with status error or timeout.");
  for (const r of rows) out.sample("tokentrace_errors_total", labelsOf(r), r.error_count);
  out.family("tokentrace_latency_ms", "histogram", "Inference latency in milliseconds.");
  for (const r of rows) {
    out.histogram(
      "tokentrace_latency_ms",
      labelsOf(r),
      LATENCY_BUCKETS_MS,
      r.latency_buckets,
      r.latency_sum,
      r.span_count,
    );
  }
  out.family("tokentrace_quality_score", "histogram", "Eval scores of scored LLM calls.");
  for (const r of rows) {
    if (r.quality_count === 0) continue;
    out.histogram(
      "tokentrace_quality_score",
      labelsOf(r),
      QUALITY_BUCKETS,
      r.quality_buckets,
      r.quality_sum,
      r.quality_count,
    );
  }
}

/** Process metrics under the names the Prometheus client libraries use. */
export function renderProcessMetrics(out: Exposition, startedAt: number): void {
  const mem = process.memoryUsage();
  const cpu = process.cpuUsage();
  out.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.sample("process_resident_memory_bytes", [], mem.rss);
  out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  out.sample("process_cpu_seconds_total", [], (cpu.user + cpu.system) / 1e6);
  out.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  out.sample("process_start_time_seconds", [], Math.floor(startedAt / 1000));
  out.family("nodejs_heap_size_total_bytes", "gauge", "Process heap size from Node.js in bytes.");
  out.sample("nodejs_heap_size_total_bytes", [], mem.heapTotal);
  out.family("nodejs_heap_size_used_bytes", "gauge", "Process heap size used from Node.js in bytes.");
  out.sample("nodejs_heap_size_used_bytes", [], mem.heapUsed);
  out.family("nodejs_external_memory_bytes", "gauge", "Node.js external memory size in bytes.");
  out.sample("nodejs_external_memory_bytes", [], mem.external);
}

/**
 * GET /metrics/prometheus: counters and histograms over every LLM span stored since the
 * process started plus those it found stored at start. They never decrease while it runs
 * (retention does not subtract); a restart counts what is stored then, a counter reset.
 * The store answers from totals kept at ingest: O(series), never a scan of the spans.
 * `scores` renders the score histogram (ScoreHistogram), kept the same way.
 */
export async function prometheusText(
  store: Store,
  startedAt: number,
  scores?: { render(out: Exposition): void },
): Promise<string> {
  const rows = await store.exposition({ latencyBucketsMs: LATENCY_BUCKETS_MS, qualityBuckets: QUALITY_BUCKETS });
  const out = new Exposition();
  renderSpanMetrics(out, rows);
  scores?.render(out);
  const folded = (await store.foldedSpans?.()) ?? {};
  if (Object.keys(folded).length > 0) {
    out.family(
      "tokentrace_dimension_folded_spans_total",
      "counter",
      'LLM calls whose declared dimension value was folded into "(other)" (metrics.max_dimension_values).',
    );
    for (const [d, n] of Object.entries(folded))
      out.sample("tokentrace_dimension_folded_spans_total", [["dimension", d]], n);
  }
  renderProcessMetrics(out, startedAt);
  return out.text();
}
