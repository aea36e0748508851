import type pg from "pg";
import { ident } from "./connect.js";
import { rollupInserts } from "./insert.js";
import { dayOf, type Partitions, partitionName } from "./partitions.js";
import { GRAINS } from "./schema.js";

/**
 * Deletes spans that started before `before`: whole daily partitions are dropped, the day
 * holding the cut-off loses its older rows. Rollup periods wholly before the cut-off go; the
 * period holding it is rebuilt from the spans left, so rollups always equal the raw spans.
 * The rollup tables are locked (SHARE ROW EXCLUSIVE: readers go on, writers wait) while the
 * edge is deleted and rebuilt, so a concurrent insert is counted exactly once.
 */
export async function deleteBeforePg(pool: pg.Pool, parts: Partitions, before: number): Promise<number> {
  let removed = await parts.dropBefore(before);
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query("LOCK TABLE rollup, rollup_hist IN SHARE ROW EXCLUSIVE MODE");
    const day = dayOf(before);
    const exists = await c.query("SELECT to_regclass($1) AS r", [ident(partitionName(day))]);
    if (exists.rows[0].r !== null) {
      const del = await c.query(`DELETE FROM ${ident(partitionName(day))} WHERE started_at < $1`, [before]);
      removed += del.rowCount ?? 0;
    }
    for (const table of ["rollup", "rollup_hist"]) {
      await c.query(`DELETE FROM ${table} WHERE t < $1`, [before]);
    }
    // Rebuild each grain's period that holds the cut-off from what is left of it.
    for (const g of GRAINS) {
      const start = Math.floor(before / g) * g;
      if (start === before) continue;
      const cut = Math.trunc(before);
      const source = `(SELECT * FROM spans WHERE started_at >= ${cut} AND started_at < ${start + g})`;
      const { rollup, hist } = rollupInserts(source, [g]);
      await c.query(rollup);
      await c.query(hist);
    }
    await c.query("COMMIT");
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
  return removed;
}
