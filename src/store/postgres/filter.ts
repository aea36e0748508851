import { NONE_GROUP } from "../rollup/dimensions.js";
import { keptGroupSql } from "../sql-rows.js";
import { FILTER_FIELDS, type GroupBy, readsSpans, type SpanFilter } from "../store.js";

/** Collects positional parameters ($1, $2, ...) while SQL is assembled. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder. */
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Group name for spans that lack the group-by column or attribute. */
export { NONE_GROUP };

/**
 * WHERE conditions (ANDed, possibly empty) for a SpanFilter over spans. An attribute compares
 * as text: `->>` renders a JSON number or boolean as its literal (5, 0.5, true), the same
 * string the other drivers compare with. Keys and values are bound, never spliced.
 */
export function filterConditions(f: SpanFilter, p: Params): string[] {
  const out: string[] = [];
  // the field names come from a closed list, never from a request
  for (const k of FILTER_FIELDS) if (f[k] !== undefined) out.push(`${k} = ${p.add(f[k])}`);
  for (const [k, v] of Object.entries(f.attrs ?? {})) out.push(`attributes ->> ${p.add(k)}::text = ${p.add(v)}`);
  return out;
}

/** The group expression of a summary (the column names come from a closed union, never a request). */
export function groupExpr(g: GroupBy | undefined, p: Params): string {
  if (g === undefined) return "NULL::text";
  const source = "column" in g ? g.column : `attributes ->> ${p.add(g.attr)}::text`;
  return keptGroupSql(`coalesce(${source}, ${p.add(NONE_GROUP)}::text)`, g.keep, (v) => p.add(v));
}

/** True when the filter uses only columns the rollup table keeps. */
export function rollupFilter(f: SpanFilter): boolean {
  return Object.keys(f.attrs ?? {}).length === 0 && !readsSpans(f);
}

/** True when the histograms (kept per model only) can answer this filter and grouping. */
export function histEligible(f: SpanFilter, g: GroupBy | undefined): boolean {
  const onlyModel = FILTER_FIELDS.every((k) => k === "model" || f[k] === undefined) && rollupFilter(f);
  return onlyModel && (g === undefined || ("column" in g && g.column === "model"));
}
