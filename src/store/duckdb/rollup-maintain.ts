// Runs inside the store worker: everything that keeps rollups equal to a scan of the spans.
import { binSql, SKETCH_K } from "../../stats/sketch.js";
import type { RollupBuilder } from "../rollup/builder.js";
import type { Dimensions } from "../rollup/dimensions.js";
import { mergeSql, ROLLUP_VERSION, SKETCH_COLUMNS } from "../rollup/fields.js";
import { bucketOf, DAY_MS, HOUR_MS, RESOLUTIONS } from "../rollup/plan.js";
import { dimsJsonSql, renameSql } from "./rollup-dims.js";
import { projectSql } from "./rollup-project.js";
import { ROLLUP_COST_TYPE } from "./rollup-schema.js";

type Sql = { sql: string; params: unknown[] };
type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
type Run = (statements: Sql[]) => Promise<number[]>;

const setState = (k: string, v: string): Sql => ({
  sql: "INSERT OR REPLACE INTO rollup_state (k, v) VALUES ($1, $2)",
  params: [k, v],
});

/**
 * Statements replacing the rollups of resolution `res` for buckets in [from, to) with an
 * aggregation of the spans there (both bounds on bucket boundaries, or `from` inside the
 * first bucket when older spans are gone): used by retention, rebuild and repair.
 */
const SPAN_RANGE = "started_at >= $2 AND started_at < $3 AND model IS NOT NULL";
const SPAN_BUCKET = "(started_at // $1::BIGINT) * $1::BIGINT";

/** The key's dims JSON of a span row: dimensions fold through rollup_named (renameSql fills it for a rebuild). */
const dimsAs = (dims: Dimensions) => `${dimsJsonSql(dims)} AS dims`;

/** Statements replacing the bins of resolution `res` for buckets in [bucketOf(from), to) with the spans' bins. */
function binsFromSpansSql(res: number, from: number, to: number, dims: Dimensions): Sql[] {
  const cv = SKETCH_COLUMNS.map((c, i) => `{'col': ${i}, 'v': ${c}}`).join(", ");
  return [
    {
      sql: "DELETE FROM rollup_bins WHERE res = $1 AND bucket >= $2 AND bucket < $3",
      params: [res, bucketOf(from, res), to],
    },
    {
      sql: `INSERT INTO rollup_bins SELECT $1::BIGINT, b, model, provider, caller, status, dims, cv.col::TINYINT,
          ${binSql("cv.v", "$4::DOUBLE")} AS bin, count(*), min(cv.v), max(cv.v)
        FROM (SELECT ${SPAN_BUCKET} AS b, model, provider, caller, status, ${dimsAs(dims)}, unnest(list_value(${cv})) AS cv
              FROM spans WHERE ${SPAN_RANGE})
        WHERE cv.v IS NOT NULL GROUP BY ALL`,
      params: [res, from, to, SKETCH_K],
    },
    ...projectSql(res, bucketOf(from, res), to, dims),
  ];
}

function recomputeSql(res: number, from: number, to: number, dims: Dimensions): Sql[] {
  return [
    {
      sql: "DELETE FROM rollup WHERE res = $1 AND bucket >= $2 AND bucket < $3",
      params: [res, bucketOf(from, res), to],
    },
    {
      sql: `INSERT INTO rollup SELECT $1::BIGINT, b, model, provider, caller, status, dims,
        ${mergeSql("spans", ROLLUP_COST_TYPE)}
        FROM (SELECT *, ${SPAN_BUCKET} AS b, ${dimsAs(dims)} FROM spans WHERE ${SPAN_RANGE}) GROUP BY b, model, provider, caller, status, dims`,
      params: [res, from, to],
    },
    ...binsFromSpansSql(res, from, to, dims),
  ];
}

/**
 * Sketch bins are kept at ingest only for buckets that end by `bins_through` (an hour
 * boundary, at most the start of the current hour): the spans of the open hour and day get
 * sums only, and settleSql builds their bins once, when the hour (or day) is over. Each span
 * is binned once per resolution instead of ~3 bin rows per span per resolution rewritten by
 * compaction as the bucket fills. Readers take bins only below bins_through (clipPlan).
 */
const BINS_THROUGH = "bins_through";

/** bins_through of the file, or null when the file has none yet (new, or written before it). */
export async function readBinsThrough(query: Query): Promise<number | null> {
  const [r] = await query("SELECT v FROM rollup_state WHERE k = $1", [BINS_THROUGH]);
  return r === undefined ? null : Number(r.v);
}

/**
 * Moves bins_through from `from` to `to` (hour boundaries, from < to) in one transaction: the
 * hours in [from, to) get their bins from the spans, and each day that ends in (from, to]
 * gets its bins merged from its hours' (all complete by then).
 */
export function settleSql(from: number, to: number, dims: Dimensions): Sql[] {
  const days = { from: bucketOf(from - DAY_MS, DAY_MS) + DAY_MS, to: bucketOf(to, DAY_MS) };
  const out = binsFromSpansSql(HOUR_MS, from, to, dims);
  if (days.from < days.to) {
    out.push(
      {
        sql: "DELETE FROM rollup_bins WHERE res = $1 AND bucket >= $2 AND bucket < $3",
        params: [DAY_MS, days.from, days.to],
      },
      {
        sql: `INSERT INTO rollup_bins SELECT $1::BIGINT, (bucket // $1::BIGINT) * $1::BIGINT, model, provider, caller,
            status, dims, col, bin, sum(n)::BIGINT, min(lo), max(hi)
          FROM rollup_bins WHERE res = $4 AND bucket >= $2 AND bucket < $3
          GROUP BY ALL`,
        params: [DAY_MS, days.from, days.to, HOUR_MS],
      },
      ...projectSql(DAY_MS, days.from, days.to, dims),
    );
  }
  out.push(markBinsSql(to));
  return out;
}

const PROJECTED = "bins_by";

/**
 * Once per file: rollup_bins_by from rollup_bins for a file written before it (a no-op on a
 * new file). Rebuilds, retention and settling keep it from then on.
 */
export async function projectOnce(query: Query, run: Run, dims: Dimensions): Promise<void> {
  const [r] = await query("SELECT v FROM rollup_state WHERE k = $1", [PROJECTED]);
  if (r !== undefined) return;
  const all = Number.MAX_SAFE_INTEGER;
  await run([
    ...RESOLUTIONS.flatMap((res) => projectSql(res, 0, all, dims)),
    { sql: "DELETE FROM rollup_stale", params: [] },
    setState(PROJECTED, "1"),
  ]);
}

/** Records bins_through. */
export const markBinsSql = (t: number): Sql => setState(BINS_THROUGH, String(t));

/** Retention: spans before `cut` go; whole buckets before it go; the bucket holding it is recomputed. */
export function retainSql(cut: number, dims: Dimensions): Sql[] {
  const out: Sql[] = [
    { sql: "DELETE FROM spans WHERE started_at < $1", params: [cut] },
    { sql: "DELETE FROM span_attrs WHERE started_at < $1", params: [cut] },
    // Whole hours gone take their named values along; the hour holding the cut keeps its own.
    { sql: "DELETE FROM rollup_named WHERE h < $1", params: [bucketOf(cut, HOUR_MS)] },
  ];
  for (const res of RESOLUTIONS) {
    const partial = bucketOf(cut, res);
    for (const t of ["rollup", "rollup_bins", "rollup_bins_by"]) {
      out.push({ sql: `DELETE FROM ${t} WHERE res = $1 AND bucket < $2`, params: [res, partial] });
    }
    if (partial < cut) out.push(...recomputeSql(res, cut, partial + res, dims));
  }
  return out;
}

// A bucket is compacted once the rows appended since its last compaction reach half of what
// it held then (at least MIN_DELTA_ROWS): each row is rewritten O(1) times on average.
const MIN_DELTA_ROWS = 20_000;

/** Merges the rows of one rollup bucket into one row per key (sums add, bins merge). */
export function compactSql(res: number, bucket: number): Sql[] {
  const where = "res = $1 AND bucket = $2";
  const p = [res, bucket];
  const key = "res, bucket, model, provider, caller, status, dims";
  return [
    {
      sql: `CREATE OR REPLACE TEMP TABLE compact_rows AS SELECT ${key}, ${mergeSql("rollup", ROLLUP_COST_TYPE)}
        FROM rollup WHERE ${where} GROUP BY ${key}`,
      params: p,
    },
    { sql: `DELETE FROM rollup WHERE ${where}`, params: p },
    { sql: "INSERT INTO rollup SELECT * FROM compact_rows", params: [] },
    {
      sql: `CREATE OR REPLACE TEMP TABLE compact_bins AS SELECT ${key}, col, bin, sum(n)::BIGINT, min(lo), max(hi)
        FROM rollup_bins WHERE ${where} GROUP BY ${key}, col, bin`,
      params: p,
    },
    { sql: `DELETE FROM rollup_bins WHERE ${where}`, params: p },
    { sql: "INSERT INTO rollup_bins SELECT * FROM compact_bins", params: [] },
    { sql: "DROP TABLE compact_rows", params: [] },
    { sql: "DROP TABLE compact_bins", params: [] },
  ];
}

/** Counts appended rollup rows per bucket and says which buckets are due for compaction. */
export class Compactor {
  private readonly buckets = new Map<string, { res: number; bucket: number; kept: number; added: number }>();

  /** Records a committed batch; returns the buckets to compact now. */
  note(b: RollupBuilder): { res: number; bucket: number }[] {
    const due: { res: number; bucket: number }[] = [];
    for (const { key, bins } of b.entries()) {
      const id = `${key.res}:${key.bucket}`;
      let s = this.buckets.get(id);
      if (s === undefined) {
        s = { res: key.res, bucket: key.bucket, kept: 0, added: 0 };
        this.buckets.set(id, s);
      }
      // its rollup row and its bin rows
      s.added += 1 + bins[0].size + bins[1].size + bins[2].size;
      if (
        s.added >= Math.max(MIN_DELTA_ROWS, s.kept / 2) &&
        !due.some((d) => d.res === s.res && d.bucket === s.bucket)
      ) {
        due.push({ res: s.res, bucket: s.bucket });
        s.kept += s.added;
        s.added = 0;
      }
    }
    // Forget old buckets: a late span just starts a new count.
    if (this.buckets.size > 10_000) this.buckets.clear();
    return due;
  }
}

/** What the rollups of this file were built with, and whether a rebuild is under way. */
export interface RollupStatus {
  ready: boolean;
  /** Day (epoch ms) a rebuild continues from, null when none is running. */
  rebuildNext: number | null;
}

export async function readStatus(query: Query, dims: Dimensions): Promise<RollupStatus> {
  const rows = await query("SELECT k, v FROM rollup_state", []);
  const state = new Map(rows.map((r) => [String(r.k), String(r.v)]));
  const next = state.get("rebuild_next");
  const current = state.get("version") === String(ROLLUP_VERSION) && state.get("dims") === JSON.stringify(dims);
  return { ready: current && next === undefined, rebuildNext: next === undefined ? null : Number(next) };
}

/** Marks the rollups current (an empty store, or the end of a rebuild). */
export function readySql(dims: Dimensions): Sql[] {
  return [
    setState("version", String(ROLLUP_VERSION)),
    setState("dims", JSON.stringify(dims)),
    { sql: "DELETE FROM rollup_state WHERE k = 'rebuild_next'", params: [] },
  ];
}

/** Progress of a rebuild: done when `next` is null; days are UTC day starts. */
export interface RebuildProgress {
  first: number | null;
  last: number | null;
  next: number | null;
}

/**
 * One step of `rollups rebuild`: the first call drops every rollup row, each later one
 * recomputes one day of spans and records the next day in the same transaction, so a killed
 * rebuild resumes where it stopped. Inserts may run between steps: they add rows for days
 * still to come, which that day's step replaces anyway.
 */
export async function rebuildStep(query: Query, run: Run, dims: Dimensions): Promise<RebuildProgress> {
  const [range] = await query("SELECT min(started_at) AS lo, max(started_at) AS hi FROM spans", []);
  const first = range.lo === null ? null : bucketOf(Number(range.lo), DAY_MS);
  const last = range.hi === null ? null : bucketOf(Number(range.hi), DAY_MS);
  const status = await readStatus(query, dims);
  if (status.rebuildNext === null) {
    // From day 0, not from the oldest span read above: a late span may be inserted meanwhile.
    await run([
      { sql: "DELETE FROM rollup", params: [] },
      { sql: "DELETE FROM rollup_bins", params: [] },
      { sql: "DELETE FROM rollup_bins_by", params: [] },
      { sql: "DELETE FROM rollup_stale", params: [] },
      { sql: "DELETE FROM rollup_named", params: [] },
      { sql: "DELETE FROM rollup_state WHERE k = 'version'", params: [] },
      setState("rebuild_next", "0"),
    ]);
    return { first, last, next: first ?? 0 };
  }
  const [n] = await query("SELECT min(started_at) AS t FROM spans WHERE started_at >= $1", [status.rebuildNext]);
  if (n.t === null) {
    await run(readySql(dims));
    return { first, last, next: null };
  }
  const day = bucketOf(Number(n.t), DAY_MS);
  await run([
    ...renameSql(dims, day, day + DAY_MS),
    ...RESOLUTIONS.flatMap((res) => recomputeSql(res, day, day + DAY_MS, dims)),
    setState("rebuild_next", String(day + DAY_MS)),
  ]);
  return { first, last, next: day + DAY_MS };
}
