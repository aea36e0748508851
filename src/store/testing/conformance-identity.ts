// Filters and group-by on session_id and user_id: every driver must answer exactly what a
// plain scan of the spans gives, whether rollups could answer the rest of the query or not.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span } from "../../span/types.js";
import { fromPico, toPico } from "../../stats/cost.js";
import { prng } from "../../util/random.js";
import { DAY_MS, HOUR_MS } from "../rollup/plan.js";
import type { GroupBy, SpanFilter, SummaryQuery, SummaryRow } from "../store.js";
import { q, referenceSearch } from "./conformance-fixtures.js";
import { randomSpan } from "./conformance-rollup.js";
import type { OpenStore } from "./conformance-summarize-fixture.js";

const T0 = Date.UTC(2026, 3, 1);
const FIELDS = ["span_count", "cost_usd", "unpriced_count", "prompt_tokens", "error_count", "timeout_count"] as const;
type Figures = Pick<SummaryRow, "group" | "bucket" | (typeof FIELDS)[number]>;

const zero = (group: string | null, bucket: number | null) => ({
  group,
  bucket,
  span_count: 0,
  cost_usd: 0,
  unpriced_count: 0,
  prompt_tokens: 0,
  error_count: 0,
  timeout_count: 0,
  pico: 0n,
});

const order = (r: Figures) => `${String(r.bucket ?? "").padStart(16, "0")}|${r.group}`;
const sorted = (rows: Figures[]) => rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));

/** What a summary must hold, computed span by span (cost summed exactly, in picodollars). */
function scan(spans: Span[], sq: SummaryQuery): Figures[] {
  const rows = new Map<string, ReturnType<typeof zero>>();
  const f = sq.filter;
  const g = sq.groupBy;
  for (const s of spans) {
    if (s.model === null || s.started_at < sq.from || s.started_at >= sq.to) continue;
    if ((["user_id", "session_id", "model"] as const).some((k) => f[k] !== undefined && s[k] !== f[k])) continue;
    const group = g === undefined ? null : "column" in g ? (s[g.column] ?? "(none)") : null;
    const bucket = sq.stepMs ? sq.from + Math.floor((s.started_at - sq.from) / sq.stepMs) * sq.stepMs : null;
    const key = `${bucket}|${group}`;
    const r = rows.get(key) ?? zero(group, bucket);
    rows.set(key, r);
    r.span_count++;
    if (s.cost_usd === null) r.unpriced_count++;
    else r.pico += toPico(s.cost_usd);
    r.prompt_tokens += s.prompt_tokens;
    if (s.status !== "ok") r.error_count++;
    if (s.status === "timeout") r.timeout_count++;
  }
  // without groups or buckets a summary is one row, empty or not
  if (rows.size === 0 && g === undefined && !sq.stepMs) rows.set("", zero(null, null));
  return sorted([...rows.values()].map(({ pico, ...r }) => ({ ...r, cost_usd: fromPico(pico) })));
}

function figures(rows: SummaryRow[]): Figures[] {
  return sorted(rows.map((r) => ({ group: r.group, bucket: r.bucket, ...pick(r) })));
}

function pick(r: SummaryRow): Omit<Figures, "group" | "bucket"> {
  const [span_count, cost_usd, unpriced_count, prompt_tokens, error_count, timeout_count] = FIELDS.map((k) => r[k]);
  return { span_count, cost_usd, unpriced_count, prompt_tokens, error_count, timeout_count };
}

/**
 * Registers the session_id / user_id test for one driver: random spans over three days (40
 * users, 80 sessions, a third without either), then filters and group-bys over whole days,
 * whole hours and ragged edges, compared with a scan; and trace search by either field.
 */
export function identityConformance(name: string, open: OpenStore): void {
  test(`${name} session_id and user_id: filters and group-by equal a scan of the spans`, async () => {
    const r = prng(7);
    const spans = Array.from({ length: 900 }, (_, i) => randomSpan(r, 7_000_000 + i, T0, T0 + 3 * DAY_MS));
    const { store, cleanup } = await open();
    try {
      await store.insert(spans);
      const windows = [
        { from: T0, to: T0 + 3 * DAY_MS },
        { from: T0 + 1234, to: T0 + 2 * DAY_MS + 5 * HOUR_MS + 99 },
        { from: T0 + DAY_MS, to: T0 + DAY_MS + HOUR_MS },
      ];
      const groups: (GroupBy | undefined)[] = [undefined, { column: "user_id" }, { column: "session_id" }];
      const filters: SpanFilter[] = [
        {},
        { user_id: "user-3" },
        { session_id: "s11" },
        { user_id: "user-9", model: "gpt-4o" },
      ];
      for (const w of windows) {
        for (const groupBy of groups) {
          for (const filter of filters) {
            for (const stepMs of [undefined, 6 * HOUR_MS]) {
              const sq: SummaryQuery = { ...w, filter, groupBy, stepMs };
              assert.deepEqual(figures(await store.summarize(sq)), scan(spans, sq), JSON.stringify(sq));
            }
          }
        }
      }
      for (const filter of [{ user_id: "user-3" }, { session_id: "s11" }, { user_id: "nobody" }]) {
        const tq = q({ ...filter, limit: 200 });
        const got = await store.searchTraces(tq);
        const want = referenceSearch(spans, tq);
        assert.deepEqual(
          got.traces.map((t) => t[0].trace_id),
          want.traces.map((t) => t[0].trace_id),
          `search ${JSON.stringify(filter)}`,
        );
      }
    } finally {
      await cleanup();
    }
  });
}
