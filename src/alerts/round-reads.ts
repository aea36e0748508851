// One evaluation round's store reads. Rules often ask the same question: a team's budgets per
// user differ in amount, not in what they read (the month's spend per user). Within a round,
// the same query at the same time is read once and shared.
import { type MetricValueQuery, metricValue, metricValuesByGroup } from "../metrics/query.js";
import type { GroupBy, Store } from "../store/store.js";
import { readBaseline } from "./baseline-read.js";
import type { Baseline } from "./baseline-rule.js";
import type { MetricReading } from "./evaluate.js";

export class RoundReads {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(private readonly store: Store) {}

  private once<T>(key: unknown[], read: () => Promise<T>): Promise<T> {
    const k = JSON.stringify(key);
    let p = this.memo.get(k) as Promise<T> | undefined;
    if (p === undefined) {
      p = read();
      this.memo.set(k, p);
    }
    return p;
  }

  /** metricValue, once per query and time in this round. */
  value(q: MetricValueQuery, now: number): Promise<MetricReading> {
    return this.once(["value", q, now], () => metricValue(this.store, q, now));
  }

  /** metricValuesByGroup, once per query, grouping and time in this round. */
  byGroup(q: MetricValueQuery & { groupBy: GroupBy }, now: number) {
    return this.once(["group", q, now], () => metricValuesByGroup(this.store, q, now));
  }

  /** readBaseline, once per query, baseline, grouping and time in this round. */
  baseline(q: MetricValueQuery, baseline: Baseline, now: number, groupBy?: GroupBy) {
    return this.once(["baseline", q, baseline, now, groupBy ?? null], () =>
      readBaseline(this.store, q, baseline, now, groupBy),
    );
  }
}
