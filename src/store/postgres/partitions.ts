import type pg from "pg";
import { ident, transaction } from "./connect.js";
import { DAY_MS, lockKey } from "./schema.js";

/** The day number (days since 1970-01-01 UTC) holding a started_at. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Name of the spans partition of one day (negative days are possible, the name is quoted). */
export function partitionName(day: number): string {
  return `spans_d${day}`;
}

const NAME_RE = /^spans_d(-?\d+)$/;

/**
 * Creates the daily partitions spans need before they are inserted. Known partitions are
 * cached; creation runs under an advisory lock so two instances do not race on one name.
 */
export class Partitions {
  private readonly known = new Set<number>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  /** Forgets the cache (another instance's retention may have dropped a partition). */
  reset(): void {
    this.known.clear();
  }

  async ensure(startedAts: Iterable<number>): Promise<void> {
    const missing = new Set<number>();
    for (const t of startedAts) {
      const d = dayOf(t);
      if (!this.known.has(d)) missing.add(d);
    }
    if (missing.size === 0) return;
    await transaction(this.pool, async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(this.schema, "partitions")]);
      for (const d of [...missing].sort((a, b) => a - b)) {
        await c.query(
          `CREATE TABLE IF NOT EXISTS ${ident(partitionName(d))} PARTITION OF spans
           FOR VALUES FROM (${d * DAY_MS}) TO (${(d + 1) * DAY_MS})`,
        );
      }
    });
    for (const d of missing) this.known.add(d);
  }

  /** Every existing partition's day, ascending. */
  async list(c: pg.PoolClient | pg.Pool): Promise<number[]> {
    const r = await c.query<{ name: string }>(
      `SELECT child.relname AS name FROM pg_inherits
       JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
       JOIN pg_namespace ns ON ns.oid = parent.relnamespace
       WHERE parent.relname = 'spans' AND ns.nspname = $1`,
      [this.schema],
    );
    const days: number[] = [];
    for (const { name } of r.rows) {
      const m = NAME_RE.exec(name);
      if (m) days.push(Number(m[1]));
    }
    return days.sort((a, b) => a - b);
  }

  /**
   * Drops every partition that lies wholly before `before` and returns how many spans they
   * held. The drop takes a short exclusive lock on spans, so it runs in its own transaction.
   */
  async dropBefore(before: number): Promise<number> {
    let removed = 0;
    for (const d of await this.list(this.pool)) {
      if ((d + 1) * DAY_MS > before) break;
      removed += await transaction(this.pool, async (c) => {
        await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey(this.schema, "partitions")]);
        const exists = await c.query("SELECT to_regclass($1) AS r", [
          `${ident(this.schema)}.${ident(partitionName(d))}`,
        ]);
        if (exists.rows[0].r === null) return 0;
        const n = await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${ident(partitionName(d))}`);
        await c.query(`DROP TABLE ${ident(partitionName(d))}`);
        await c.query("DELETE FROM span_days WHERE day = $1", [d]);
        return n.rows[0].n;
      });
      this.known.delete(d);
    }
    return removed;
  }
}
