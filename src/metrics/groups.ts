import type { GroupBy, Store, SummaryQuery } from "../store/store.js";

/** What a capped grouped answer adds to its body: present only when groups were folded. */
export type Truncation = { truncated: true; groups_total: number } | Record<string, never>;

/**
 * The group-by cardinality cap (metrics.max_groups, metrics.max_series_groups): when the
 * window holds more than `max` groups, the `max` largest by span count (ties by name) keep
 * their name and the rest fold into "(other)", which the store computes over the folded spans
 * (sums exact, percentiles over those spans). Ranking reads one count row per group, without
 * buckets or percentiles, so memory follows the number of groups, never groups × points.
 *
 * @example await capGroups(store, { from, to, filter: {} }, { attr: "user" }, 100)
 */
export async function capGroups(
  store: Store,
  q: Pick<SummaryQuery, "from" | "to" | "filter">,
  groupBy: GroupBy,
  max: number,
): Promise<{ groupBy: GroupBy; truncation: Truncation }> {
  const counts = store.groupSizes
    ? await store.groupSizes({ from: q.from, to: q.to, filter: q.filter, groupBy })
    : await store.summarize({ from: q.from, to: q.to, filter: q.filter, groupBy, stats: [] });
  if (counts.length <= max) return { groupBy, truncation: {} };
  const keep = counts
    .map((r) => ({ group: r.group ?? "", n: r.span_count }))
    .sort((a, b) => b.n - a.n || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .slice(0, max)
    .map((r) => r.group);
  return { groupBy: { ...groupBy, keep }, truncation: { truncated: true, groups_total: counts.length } };
}
