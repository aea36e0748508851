import type pg from "pg";
import { ident, transaction } from "./connect.js";
import { leNames, rollupInserts } from "./insert.js";
import { dayOf, type Partitions, partitionName } from "./partitions.js";
import { DAY_MS, HOUR_MS } from "./schema.js";

const SUMS = [
  "span_count",
  "cost_usd",
  "unpriced_count",
  "prompt_tokens",
  "comp_tokens",
  "total_tokens",
  "cached_tokens",
  "reasoning_tokens",
  "latency_sum",
  "score_sum",
  "score_count",
];

/** SQL rebuilding the day rows of the day starting at `day` from its hour rows (both tables). */
function dayFromHours(day: number): string[] {
  const sums = [...SUMS, ...leNames];
  return [
    `INSERT INTO rollup (grain, t, model, provider, caller, status, ${sums.join(", ")}, latency_max)
     SELECT ${DAY_MS}, ${day}, model, provider, caller, status, ${sums.map((c) => `sum(${c})`).join(", ")}, max(latency_max)
     FROM rollup WHERE grain = ${HOUR_MS} AND t >= ${day} AND t < ${day + DAY_MS}
     GROUP BY model, provider, caller, status`,
    `INSERT INTO rollup_hist (grain, t, model, col, bin, n, lo, hi)
     SELECT ${DAY_MS}, ${day}, model, col, bin, sum(n), min(lo), max(hi)
     FROM rollup_hist WHERE grain = ${HOUR_MS} AND t >= ${day} AND t < ${day + DAY_MS}
     GROUP BY model, col, bin`,
  ];
}

/**
 * Deletes spans that started before `before`: whole daily partitions are dropped, the day
 * holding the cut-off loses its older rows. Rollup rows of periods starting before the cut-off
 * go; the hour holding it is rebuilt from the spans left in it (at most an hour of spans), then
 * its day from the day's hour rows, so rollups always equal the spans. The rollup tables are
 * locked meanwhile (SHARE ROW EXCLUSIVE: readers go on, writers wait a moment), so a concurrent
 * insert is counted exactly once.
 */
export async function deleteBeforePg(pool: pg.Pool, parts: Partitions, before: number): Promise<number> {
  const cut = Math.trunc(before);
  let removed = await parts.dropBefore(cut);
  removed += await transaction(pool, async (c) => {
    let deleted = 0;
    await c.query("LOCK TABLE rollup, rollup_hist IN SHARE ROW EXCLUSIVE MODE");
    const exists = await c.query("SELECT to_regclass($1) AS r", [ident(partitionName(dayOf(cut)))]);
    if (exists.rows[0].r !== null) {
      const del = await c.query(`DELETE FROM ${ident(partitionName(dayOf(cut)))} WHERE started_at < $1`, [cut]);
      deleted = del.rowCount ?? 0;
      await c.query("UPDATE span_days SET n = n - $1 WHERE day = $2", [deleted, dayOf(cut)]);
    }
    for (const table of ["rollup", "rollup_hist"]) await c.query(`DELETE FROM ${table} WHERE t < $1`, [cut]);
    const hour = Math.floor(cut / HOUR_MS) * HOUR_MS;
    if (hour !== cut) {
      const source = `(SELECT * FROM spans WHERE started_at >= ${cut} AND started_at < ${hour + HOUR_MS})`;
      const { rollup, hist } = rollupInserts(source, [HOUR_MS]);
      await c.query(rollup);
      await c.query(hist);
    }
    const day = Math.floor(cut / DAY_MS) * DAY_MS;
    if (day !== cut) for (const sql of dayFromHours(day)) await c.query(sql);
    return deleted;
  });
  return removed;
}
