import type { SpanStatus } from "../../span/types.js";
import { toPico } from "../../stats/cost.js";
import { addBin, type Bins } from "../../stats/sketch.js";
import { LATENCY_LE, QUALITY_LE, type RollupKey } from "./fields.js";
import { bucketOf, RESOLUTIONS } from "./plan.js";

/** The span fields a rollup reads, plus its declared dimensions as a JSON object of strings. */
export interface RollupSpan {
  model: string;
  provider: string | null;
  caller: string | null;
  status: SpanStatus;
  dims: string;
  started_at: number;
  cost_usd: number | null;
  prompt_tokens: number;
  comp_tokens: number;
  total_tokens: number;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  eval_score: number | null;
}

/** Figures of one rollup row (ROLLUP_FIELDS, with the cost as integer pico-dollars). */
export interface RollupSums {
  span_count: number;
  error_count: number;
  timeout_count: number;
  unpriced_count: number;
  prompt_tokens: number;
  comp_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  scored_count: number;
  cost_pico: bigint;
  latency_sum: number;
  latency_max: number;
  quality_sum: number;
  lb: number[];
  qb: number[];
}

export interface RollupEntry {
  key: RollupKey;
  sums: RollupSums;
  /** Sketches of latency_ms, ttft_ms and eval_score (SKETCH_COLUMNS order). */
  bins: [Bins, Bins, Bins];
  /** False when the builder was told not to keep this bucket's sketches (bins stay empty). */
  binned: boolean;
}

export function emptySums(): RollupSums {
  return {
    span_count: 0,
    error_count: 0,
    timeout_count: 0,
    unpriced_count: 0,
    prompt_tokens: 0,
    comp_tokens: 0,
    total_tokens: 0,
    cached_tokens: 0,
    reasoning_tokens: 0,
    scored_count: 0,
    cost_pico: 0n,
    latency_sum: 0,
    latency_max: Number.NEGATIVE_INFINITY,
    quality_sum: 0,
    lb: LATENCY_LE.map(() => 0),
    qb: QUALITY_LE.map(() => 0),
  };
}

/** Adds one span's contribution: the JS twin of ROLLUP_FIELDS' span expressions. */
function addSpan(a: RollupSums, s: RollupSpan, pico: bigint): void {
  a.span_count++;
  if (s.status !== "ok") a.error_count++;
  if (s.status === "timeout") a.timeout_count++;
  if (s.cost_usd === null) a.unpriced_count++;
  else a.cost_pico += pico;
  a.prompt_tokens += s.prompt_tokens;
  a.comp_tokens += s.comp_tokens;
  a.total_tokens += s.total_tokens;
  a.cached_tokens += s.cached_tokens ?? 0;
  a.reasoning_tokens += s.reasoning_tokens ?? 0;
  a.latency_sum += s.latency_ms;
  if (s.latency_ms > a.latency_max) a.latency_max = s.latency_ms;
  for (let i = 0; i < LATENCY_LE.length; i++) if (s.latency_ms <= LATENCY_LE[i]) a.lb[i]++;
  if (s.eval_score !== null) {
    a.scored_count++;
    a.quality_sum += s.eval_score;
    for (let i = 0; i < QUALITY_LE.length; i++) if (s.eval_score <= QUALITY_LE[i]) a.qb[i]++;
  }
}

/** Merges b into a: sums add, the maximum is the larger. */
export function mergeSums(a: RollupSums, b: RollupSums): void {
  a.span_count += b.span_count;
  a.error_count += b.error_count;
  a.timeout_count += b.timeout_count;
  a.unpriced_count += b.unpriced_count;
  a.prompt_tokens += b.prompt_tokens;
  a.comp_tokens += b.comp_tokens;
  a.total_tokens += b.total_tokens;
  a.cached_tokens += b.cached_tokens;
  a.reasoning_tokens += b.reasoning_tokens;
  a.scored_count += b.scored_count;
  a.cost_pico += b.cost_pico;
  a.latency_sum += b.latency_sum;
  if (b.latency_max > a.latency_max) a.latency_max = b.latency_max;
  a.quality_sum += b.quality_sum;
  for (let i = 0; i < a.lb.length; i++) a.lb[i] += b.lb[i];
  for (let i = 0; i < a.qb.length; i++) a.qb[i] += b.qb[i];
}

/**
 * Turns spans into rollup rows at every resolution (RESOLUTIONS): the one definition the
 * stores write. Feed it the LLM spans of one committed batch, then store `entries()`.
 *
 * @example const b = new RollupBuilder(); for (const s of spans) b.add(s); b.entries()
 */
export class RollupBuilder {
  /** Per resolution (RESOLUTIONS order): bucket start → key without resolution and bucket → row. */
  private readonly rows = RESOLUTIONS.map(() => new Map<number, Map<string, RollupEntry>>());

  /**
   * @param binned whether a bucket's sketches are kept (a store may build some from the spans
   *   later); a bucket it refuses gets sums only, its bins stay empty.
   */
  constructor(private readonly binned: (res: number, bucket: number) => boolean = () => true) {}

  add(s: RollupSpan): void {
    // The same scaling as the stored DECIMAL, so a rollup equals a sum over the spans.
    const pico = s.cost_usd === null ? 0n : toPico(s.cost_usd);
    const rest = `${s.model}\u0000${s.provider ?? "\u0001"}\u0000${s.caller ?? "\u0001"}\u0000${s.status}\u0000${s.dims}`;
    for (let r = 0; r < RESOLUTIONS.length; r++) {
      const res = RESOLUTIONS[r];
      const bucket = bucketOf(s.started_at, res);
      let keys = this.rows[r].get(bucket);
      if (keys === undefined) {
        keys = new Map();
        this.rows[r].set(bucket, keys);
      }
      let e = keys.get(rest);
      if (e === undefined) {
        const key: RollupKey = {
          res,
          bucket,
          model: s.model,
          provider: s.provider,
          caller: s.caller,
          status: s.status,
          dims: s.dims,
        };
        e = { key, sums: emptySums(), bins: [new Map(), new Map(), new Map()], binned: this.binned(res, bucket) };
        keys.set(rest, e);
      }
      addSpan(e.sums, s, pico);
      if (!e.binned) continue;
      addBin(e.bins[0], s.latency_ms);
      if (s.ttft_ms !== null) addBin(e.bins[1], s.ttft_ms);
      if (s.eval_score !== null) addBin(e.bins[2], s.eval_score);
    }
  }

  get size(): number {
    let n = 0;
    for (const byBucket of this.rows) for (const keys of byBucket.values()) n += keys.size;
    return n;
  }

  *entries(): IterableIterator<RollupEntry> {
    for (const byBucket of this.rows) for (const keys of byBucket.values()) yield* keys.values();
  }
}
