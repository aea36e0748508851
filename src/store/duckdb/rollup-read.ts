import { type Bins, binSql, DEFAULT_EXACT_LIMIT, quantilesFromBins, SKETCH_K } from "../../stats/sketch.js";
import { mergeSql, ROLLUP_FIELDS, SKETCH_COLUMNS } from "../rollup/fields.js";
import { planWindow, type WindowPlan } from "../rollup/plan.js";
import { keptGroupSql, num, numOrNull, summaryCounts } from "../sql-rows.js";
import { readsSpans, type SummaryQuery, type SummaryRow } from "../store.js";
import { filterConditions, jsonPointer, Params } from "./filter.js";
import { foldedValueSql } from "./rollup-dims.js";
import { projectionOf } from "./rollup-project.js";
import { ROLLUP_COST_TYPE } from "./rollup-schema.js";
import { NONE_GROUP, rowKey, type SqlRunner } from "./summarize.js";

type Row = Record<string, unknown>;

/**
 * True when rollups can answer the query: every filter and the group-by name a rollup key
 * (model, provider, caller, status, or a declared dimension). Anything else (session_id,
 * user_id, an undeclared attribute) reads spans.
 */
export function rollupsAnswer(q: SummaryQuery, dimensions: readonly string[]): boolean {
  const declared = (k: string) => dimensions.includes(k);
  if (readsSpans(q.filter, q.groupBy)) return false;
  if (!Object.keys(q.filter.attrs ?? {}).every(declared)) return false;
  return q.groupBy === undefined || "column" in q.groupBy || declared(q.groupBy.attr);
}

/** Where a query's rows come from: rollup rows or span rows. */
type Source = "rollup" | "spans";

/** A summary query and the declared dimensions of the store answering it. */
type RollupQuery = SummaryQuery & { declared: readonly string[] };

/**
 * An attribute's value: a declared dimension from the rollup key, or folded the same way for
 * a span (so a dimension means the same whichever rows answer); any other key from the span's
 * attributes (only spans have it).
 */
function attrSql(p: Params, key: string, source: Source, declared: readonly string[]): string {
  if (!declared.includes(key)) return `json_extract_string(attributes, ${p.add(jsonPointer(key))})`;
  return source === "rollup" ? `json_extract_string(dims, ${p.add(jsonPointer(key))})` : foldedValueSql(p, key);
}

function groupSql(p: Params, q: RollupQuery, source: Source): string {
  const g = q.groupBy;
  if (g === undefined) return "NULL::VARCHAR";
  const v = "column" in g ? g.column : attrSql(p, g.attr, source, q.declared);
  return keptGroupSql(`coalesce(${v}, ${p.add(NONE_GROUP)})`, g.keep, (x) => p.add(x));
}

function bucketSql(p: Params, q: SummaryQuery, time: string): string {
  if (!q.stepMs) return "NULL::BIGINT";
  const from = p.add(q.from);
  const step = p.add(q.stepMs);
  return `((${time} - ${from}::BIGINT) // ${step}::BIGINT) * ${step}::BIGINT + ${from}::BIGINT`;
}

/** Conditions on rollup rows or spans: the filter, declared dimensions folded. */
function filterSql(p: Params, q: RollupQuery, source: Source): string[] {
  const f = q.filter;
  const entries = Object.entries(f.attrs ?? {});
  const other = entries.filter(([k]) => !q.declared.includes(k));
  // Undeclared keys only ever reach span rows: their Bloom bits and JSON test, as trace search.
  const out = filterConditions({ ...f, attrs: other.length > 0 ? Object.fromEntries(other) : undefined }, p);
  for (const [k, v] of entries) {
    if (q.declared.includes(k)) out.push(`${attrSql(p, k, source, q.declared)} = ${p.add(v)}`);
  }
  if (source === "spans") out.push("model IS NOT NULL");
  return out;
}

/**
 * One SELECT per piece of the plan (UNION ALL): each with its own simple time range, so
 * min/max pruning skips every row group outside it.
 */
function pieces(p: Params, q: RollupQuery, plan: WindowPlan, select: (s: Source) => string, table: string): string[] {
  const out: string[] = [];
  for (const r of plan.rollups) {
    const where = [`res = ${p.add(r.res)}`, `bucket >= ${p.add(r.from)}::BIGINT`, `bucket < ${p.add(r.to)}::BIGINT`];
    out.push(
      `SELECT ${groupSql(p, q, "rollup")} AS grp, ${bucketSql(p, q, "bucket")} AS bucket, ${select("rollup")} FROM ${table} WHERE ${[...where, ...filterSql(p, q, "rollup")].join(" AND ")}`,
    );
  }
  for (const r of plan.spans) {
    const where = [`started_at >= ${p.add(r.from)}::BIGINT`, `started_at < ${p.add(r.to)}::BIGINT`];
    out.push(
      `SELECT ${groupSql(p, q, "spans")} AS grp, ${bucketSql(p, q, "started_at")} AS bucket, ${select("spans")} FROM spans WHERE ${[...where, ...filterSql(p, q, "spans")].join(" AND ")}`,
    );
  }
  return out;
}

const SPAN_VALUES = ROLLUP_FIELDS.map((f) => `${f.span} AS ${f.name}`).join(", ");
const ROLLUP_VALUES = ROLLUP_FIELDS.map((f) => f.name).join(", ");

/**
 * The duckdb driver's `summarize` over rollups: whole buckets from rollup rows, the ragged
 * edges from spans (planWindow), merged by the same SQL the rollups are built with, so counts
 * and sums equal a scan. Percentiles are exact from the spans while no row holds more than
 * exactLimit spans, else from merged sketches (rollup_bins up to binsThrough plus binned spans).
 */
export async function summarizeRollups(
  db: SqlRunner,
  query: SummaryQuery,
  declared: readonly string[],
  binsThrough: () => Promise<number>,
): Promise<SummaryRow[]> {
  const q: RollupQuery = { ...query, declared };
  const grouped = q.groupBy !== undefined || q.stepMs !== undefined;
  // A key rollups lack (an undeclared attribute) sends the whole window to the spans.
  const plan = rollupsAnswer(q, declared) ? planWindow(q.from, q.to, q.stepMs) : spansOnly(q);
  const p = new Params();
  const parts = pieces(p, q, plan, (s) => (s === "rollup" ? ROLLUP_VALUES : SPAN_VALUES), "rollup");
  const rows =
    parts.length === 0
      ? []
      : await db.all(
          `SELECT grp, bucket::DOUBLE AS bucket, ${mergeSql("rollup", ROLLUP_COST_TYPE).replace(/::BIGINT/g, "::DOUBLE")}
          FROM (${parts.join("\nUNION ALL\n")}) GROUP BY grp, bucket ORDER BY bucket, grp`,
          p.values,
        );
  if (rows.length === 0 && !grouped) rows.push({ grp: null, bucket: null, span_count: 0 });
  const latency = q.stats?.includes("latency") ?? true;
  const quality = q.stats?.includes("quality") ?? true;
  const pct = new Map<string, (number | null)[]>();
  const most = rows.reduce((m, r) => Math.max(m, num(r.span_count)), 0);
  if ((latency || quality) && most > 0) {
    if (most <= (q.exactLimit ?? DEFAULT_EXACT_LIMIT)) await exactPercentiles(db, q, latency, quality, pct);
    else {
      // Bins exist only for buckets that end by binsThrough: later ones are read as spans.
      const binned = plan.rollups.length === 0 ? plan : planWindow(q.from, q.to, q.stepMs, await binsThrough());
      await sketchedPercentiles(db, q, binned, latency, quality, pct);
    }
  }
  return rows.map((r) => toSummaryRow(r, pct.get(rowKey(r))));
}

const spansOnly = (q: SummaryQuery): WindowPlan => ({ rollups: [], spans: [{ from: q.from, to: q.to }] });

/** quantile_cont over the window's spans (declared dimensions folded as in the rollups). */
async function exactPercentiles(
  db: SqlRunner,
  q: RollupQuery,
  latency: boolean,
  quality: boolean,
  out: Map<string, (number | null)[]>,
): Promise<void> {
  const p = new Params();
  const [source] = pieces(p, q, spansOnly(q), () => "latency_ms, ttft_ms, eval_score", "rollup");
  const rows = await db.all(
    `SELECT grp, bucket::DOUBLE AS bucket,
      ${latency ? "quantile_cont(latency_ms, [0.5, 0.95, 0.99])" : "NULL::DOUBLE[]"} AS lat,
      ${latency ? "quantile_cont(ttft_ms, [0.5, 0.95])" : "NULL::DOUBLE[]"} AS ttft,
      ${quality ? "quantile_cont(eval_score, 0.1)" : "NULL::DOUBLE"} AS q10
    FROM (${source}) GROUP BY grp, bucket`,
    p.values,
  );
  for (const r of rows) {
    const lat = (r.lat as unknown[] | null) ?? [];
    const ttft = (r.ttft as unknown[] | null) ?? [];
    out.set(rowKey(r), [lat[0], lat[1], lat[2], ttft[0], ttft[1], r.q10].map(numOrNull));
  }
}

function toSummaryRow(r: Row, pct: (number | null)[] | undefined): SummaryRow {
  const [p50, p95, p99, t50, t95, q10] = pct ?? [null, null, null, null, null, null];
  const count = num(r.span_count);
  const scored = num(r.scored_count);
  return {
    group: r.grp === null || r.grp === undefined ? null : String(r.grp),
    bucket: numOrNull(r.bucket),
    span_count: count,
    cost_usd: num(r.cost_usd),
    ...summaryCounts(r),
    latency_p50: p50,
    latency_p95: p95,
    latency_p99: p99,
    latency_avg: count === 0 ? null : num(r.latency_sum) / count,
    latency_max: count === 0 ? null : numOrNull(r.latency_max),
    ttft_p50: t50,
    ttft_p95: t95,
    quality_avg: scored === 0 ? null : num(r.quality_sum) / scored,
    quality_p10: q10,
    scored_count: scored,
  };
}

/** Sketches merged from rollup_bins and the binned edge spans, per result row. */
async function sketchedPercentiles(
  db: SqlRunner,
  q: RollupQuery,
  plan: WindowPlan,
  latency: boolean,
  quality: boolean,
  out: Map<string, (number | null)[]>,
): Promise<void> {
  const cols = SKETCH_COLUMNS.map((_, i) => i).filter((i) => (i < 2 ? latency : quality));
  const p = new Params();
  // Inlined, not bound: a window without ragged edges would leave the parameter unused.
  const k = `${SKETCH_K}::DOUBLE`;
  // One key at most: whole buckets from the bins merged on that key (rollup-project.ts).
  const projection = plan.rollups.length === 0 ? null : projectionOf(q);
  // Buckets late spans changed since they were projected (a few rows at most, rollup-project.ts).
  // Read apart from the query below: a late span committed between the two is missing from
  // this answer's percentiles only (counts and sums come from rollup), and the next read has it.
  const stale = projection === null ? [] : await db.all("SELECT DISTINCT res, bucket FROM rollup_stale", []);
  const staleSql = stale.map((b) => `(res = ${p.add(num(b.res))} AND bucket = ${p.add(num(b.bucket))})`).join(" OR ");
  const projected = (projection === null ? [] : plan.rollups).map((r) => {
    const where = [
      `res = ${p.add(r.res)}`,
      `bucket >= ${p.add(r.from)}::BIGINT`,
      `bucket < ${p.add(r.to)}::BIGINT`,
      `key = ${p.add(projection?.key)}`,
      ...(projection?.value === undefined ? [] : [`value = ${p.add(projection.value)}`]),
      `col IN (${cols.join(", ")})`,
      // a bucket late spans changed since it was projected is read from rollup_bins below
      ...(stale.length === 0 ? [] : [`NOT (${staleSql})`]),
    ];
    const g = q.groupBy;
    const grp =
      g === undefined
        ? "NULL::VARCHAR"
        : keptGroupSql(`coalesce(value, ${p.add(NONE_GROUP)})`, g.keep, (x) => p.add(x));
    return `SELECT ${grp} AS grp, ${bucketSql(p, q, "bucket")} AS bucket, col, bin, n, lo, hi FROM rollup_bins_by WHERE ${where.join(" AND ")}`;
  });
  // rollup_bins only for what no projection answers (its pieces would leave parameters unused)
  const binsPlan = projection !== null && stale.length === 0 ? { rollups: [], spans: plan.spans } : plan;
  const parts = pieces(
    p,
    q,
    binsPlan,
    (s) =>
      s === "rollup"
        ? `col, bin, n, lo, hi`
        : `unnest(list_value(${cols.map((i) => `{'col': ${i}, 'v': ${SKETCH_COLUMNS[i]}}`).join(", ")})) AS cv`,
    "rollup_bins",
  );
  const fromBins = parts.slice(0, binsPlan.rollups.length).map((s) => `${s} AND col IN (${cols.join(", ")})`);
  const rollupPart =
    projection === null
      ? fromBins
      : [...projected, ...(stale.length === 0 ? [] : fromBins.map((s) => `${s} AND (${staleSql})`))];
  const spanPart = parts
    .slice(binsPlan.rollups.length)
    .map(
      (s) =>
        `SELECT grp, bucket, cv.col AS col, ${binSql("cv.v", k)} AS bin, 1 AS n, cv.v AS lo, cv.v AS hi FROM (${s}) WHERE cv.v IS NOT NULL`,
    );
  const rows = await db.all(
    `SELECT grp, bucket::DOUBLE AS bucket, col, bin, sum(n)::DOUBLE AS n, min(lo) AS lo, max(hi) AS hi
    FROM (${[...rollupPart, ...spanPart].join("\nUNION ALL\n")}) GROUP BY ALL`,
    p.values,
  );
  const perRow = new Map<string, Bins[]>();
  for (const r of rows) {
    const key = rowKey(r);
    let c = perRow.get(key);
    if (!c) {
      c = [new Map(), new Map(), new Map()];
      perRow.set(key, c);
    }
    c[num(r.col)].set(num(r.bin), { n: num(r.n), lo: num(r.lo), hi: num(r.hi) });
  }
  for (const [key, [lat, ttft, score]] of perRow) {
    out.set(key, [
      ...(latency ? quantilesFromBins(lat, [0.5, 0.95, 0.99]) : [null, null, null]),
      ...(latency ? quantilesFromBins(ttft, [0.5, 0.95]) : [null, null]),
      ...(quality ? quantilesFromBins(score, [0.1]) : [null]),
    ]);
  }
}
