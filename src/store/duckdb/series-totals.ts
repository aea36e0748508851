// Runs inside the store worker: the Prometheus counters, kept at ingest from the rollup rows.
import { fromPico } from "../../stats/cost.js";
import type { RollupBuilder, RollupSums } from "../rollup/builder.js";
import { emptySums, mergeSums } from "../rollup/builder.js";
import { type Dimensions, OTHER } from "../rollup/dimensions.js";
import { LATENCY_LE, mergeSql, QUALITY_LE } from "../rollup/fields.js";
import { DAY_MS } from "../rollup/plan.js";
import type { ExpositionRow } from "../store.js";
import { jsonPointer } from "./filter.js";
import { ROLLUP_COST_TYPE } from "./rollup-schema.js";

type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** Exact pico-dollars from a DECIMAL(38, 12) rendered as text. */
function picoOf(text: unknown): bigint {
  const [int, frac = ""] = String(text ?? "0").split(".");
  const neg = int.startsWith("-");
  const v = BigInt(int.replace("-", "") + frac.padEnd(12, "0").slice(0, 12));
  return neg ? -v : v;
}

function sumsOf(r: Record<string, unknown>): RollupSums {
  const s = emptySums();
  const n = (k: string) => Number(r[k] ?? 0);
  s.span_count = n("span_count");
  s.error_count = n("error_count");
  s.timeout_count = n("timeout_count");
  s.unpriced_count = n("unpriced_count");
  s.prompt_tokens = n("prompt_tokens");
  s.comp_tokens = n("comp_tokens");
  s.total_tokens = n("total_tokens");
  s.cached_tokens = n("cached_tokens");
  s.reasoning_tokens = n("reasoning_tokens");
  s.scored_count = n("scored_count");
  s.cost_pico = picoOf(r.cost_text);
  s.latency_sum = n("latency_sum");
  s.latency_max = r.latency_max === null ? Number.NEGATIVE_INFINITY : n("latency_max");
  s.quality_sum = n("quality_sum");
  s.lb = LATENCY_LE.map((_, i) => n(`lb${i}`));
  s.qb = QUALITY_LE.map((_, i) => n(`qb${i}`));
  return s;
}

const SERIES_SQL = (source: "rollup" | "spans") => `
  SELECT model, coalesce(provider, '') AS provider, coalesce(caller, '') AS caller,
    ${mergeSql(source, ROLLUP_COST_TYPE)}, CAST(coalesce(sum(cost_usd), 0) AS VARCHAR) AS cost_text
  FROM ${source === "rollup" ? `rollup WHERE res = ${DAY_MS}` : "spans WHERE model IS NOT NULL"}
  GROUP BY model, coalesce(provider, ''), coalesce(caller, '')`;

/**
 * Prometheus counters per (model, provider, caller), kept at ingest: loaded once at start
 * (from the day rollups, or a scan while they are being rebuilt), then only ever added to,
 * so a retention delete never makes a counter go down while the process runs.
 */
export class SeriesTotals {
  private readonly series = new Map<string, { model: string; provider: string; caller: string; sums: RollupSums }>();

  /** Spans folded into "(other)", per declared dimension. */
  readonly folded = new Map<string, number>();

  async load(query: Query, fromRollups: boolean, dims: Dimensions): Promise<void> {
    for (const r of await query(SERIES_SQL(fromRollups ? "rollup" : "spans"), [])) {
      this.entry(String(r.model), String(r.provider), String(r.caller)).sums = sumsOf(r);
    }
    for (const d of dims.names) {
      const [r] = fromRollups
        ? await query(
            `SELECT coalesce(sum(span_count), 0)::DOUBLE AS n FROM rollup WHERE res = ${DAY_MS} AND json_extract_string(dims, $1) = $2`,
            [jsonPointer(d), OTHER],
          )
        : [{ n: 0 }];
      this.folded.set(d, Number(r.n));
    }
  }

  private entry(model: string, provider: string, caller: string) {
    const id = `${model}\u0000${provider}\u0000${caller}`;
    let e = this.series.get(id);
    if (e === undefined) {
      e = { model, provider, caller, sums: emptySums() };
      this.series.set(id, e);
    }
    return e;
  }

  /** Adds a committed batch (its day rows: each span is in exactly one). */
  add(b: RollupBuilder): void {
    for (const { key, sums } of b.entries()) {
      if (key.res !== DAY_MS) continue;
      mergeSums(this.entry(key.model, key.provider ?? "", key.caller ?? "").sums, sums);
      if (key.dims === "{}") continue;
      for (const [d, v] of Object.entries(JSON.parse(key.dims) as Record<string, string>)) {
        if (v === OTHER) this.folded.set(d, (this.folded.get(d) ?? 0) + sums.span_count);
      }
    }
  }

  rows(): ExpositionRow[] {
    return [...this.series.values()]
      .filter((e) => e.sums.span_count > 0)
      .sort((a, b) => cmp(a.model, b.model) || cmp(a.provider, b.provider) || cmp(a.caller, b.caller))
      .map(({ model, provider, caller, sums: s }) => ({
        model,
        provider,
        caller,
        span_count: s.span_count,
        error_count: s.error_count,
        cost_usd: fromPico(s.cost_pico),
        prompt_tokens: s.prompt_tokens,
        comp_tokens: s.comp_tokens,
        latency_sum: s.latency_sum,
        latency_buckets: s.lb,
        quality_count: s.scored_count,
        quality_sum: s.quality_sum,
        quality_buckets: s.qb,
      }));
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
