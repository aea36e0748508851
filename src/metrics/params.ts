import { ApiError } from "../errors.js";
import { SPAN_STATUSES, type SpanStatus } from "../span/types.js";
import { FILTER_FIELDS, type FilterField, type GroupBy, type SpanFilter } from "../store/store.js";

export interface Grouping {
  groupBy: GroupBy;
  /** The response key holding the groups: `by_model`, `by_workflow`, ... */
  key: string;
}

/** Built-in filters and group-by dimensions; any other `groupby` value is an attribute key. */
const FILTER_PARAMS = FILTER_FIELDS;

/** A query parameter given at most once (`?a=1&a=2` is a 400 naming it); undefined when absent. */
export function single(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new ApiError("invalid_query", `${name}: give it once`);
  return v;
}

/**
 * The filters the metrics routes accept (model, caller, provider, status, session_id, user_id, attr.KEY), read from a
 * query string. Unknown parameters are a 400 so a typo does not silently widen the query.
 *
 * @example parseFilter({ model: "gpt-4o", "attr.workflow": "chat" }, ["window"])
 */
export function parseFilter(query: Record<string, unknown>, otherParams: readonly string[]): SpanFilter {
  const filter: SpanFilter = {};
  for (const name of FILTER_PARAMS) {
    const v = single(query, name);
    if (v === undefined) continue;
    if (v === "") throw new ApiError("invalid_query", `${name}: must not be empty`);
    if (name === "status") {
      if (!SPAN_STATUSES.includes(v as SpanStatus)) {
        throw new ApiError("invalid_query", `status: "${v}" is not one of ${SPAN_STATUSES.join(", ")}`);
      }
      filter.status = v as SpanStatus;
    } else {
      filter[name] = v;
    }
  }
  for (const name of Object.keys(query)) {
    if (name.startsWith("attr.")) {
      const key = name.slice("attr.".length);
      if (key === "") throw new ApiError("invalid_query", "attr.: the attribute key is missing (attr.KEY=value)");
      const value = single(query, name) as string;
      filter.attrs = { ...filter.attrs, [key]: value };
    } else if (!(FILTER_PARAMS as readonly string[]).includes(name) && !otherParams.includes(name)) {
      const known = [...otherParams, ...FILTER_PARAMS, "attr.KEY"].join(", ");
      throw new ApiError("invalid_query", `${name}: unknown query parameter; known: ${known}`);
    }
  }
  return filter;
}

/** Reads `groupby`: a built-in dimension or an attribute key (spans without it fall in "(none)"). */
export function parseGroupBy(query: Record<string, unknown>): Grouping | null {
  const v = single(query, "groupby");
  if (v === undefined) return null;
  const key = v.trim();
  if (key === "")
    throw new ApiError("invalid_query", `groupby: must name ${FILTER_PARAMS.join(", ")} or an attribute key`);
  return groupingOf(key);
}

/**
 * The grouping a non-empty key names: a built-in dimension, else an attribute key (`attr.KEY`
 * is accepted too, mirroring the filter syntax). GET /metrics' groupby and alert rules'
 * group_by read keys the same way.
 */
export function groupingOf(key: string): Grouping {
  if (key.startsWith("attr.") && key.length > 5) return { groupBy: { attr: key.slice(5) }, key: `by_${key.slice(5)}` };
  if ((FILTER_PARAMS as readonly string[]).includes(key)) {
    return { groupBy: { column: key as FilterField }, key: `by_${key}` };
  }
  return { groupBy: { attr: key }, key: `by_${key}` };
}
