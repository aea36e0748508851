// Runs inside the store worker: keeps DuckDB's cache of table blocks from growing with the file.
// DuckDB keeps every block it writes at a checkpoint or reads for a query cached until its
// memory_limit (80% of the machine's memory by default) forces it out, so the process grew
// by ~55 MiB per checkpoint and never gave it back. The limit cannot simply be set low: the
// rows not checkpointed yet and the trace-id index being written must stay in memory, and a
// checkpoint that cannot pin a block invalidates the database until restart. So the limit
// is lowered only for a moment, which makes DuckDB evict (and free) cached blocks down to
// it, and is then put back.
import type { DuckDBConnection } from "@duckdb/node-api";

/**
 * Cached table blocks kept across a trim. Reads barely notice a smaller cache: the blocks
 * they need come back from the OS's file cache (bench/metrics.ts over 2M spans with a trim
 * every second was within the run-to-run noise of no trim at all).
 */
export const CACHE_BUDGET = 32 * 2 ** 20;

const UNITS: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/**
 * DuckDB's memory_limit in bytes, set again as that exact number so a trim can put it back
 * unchanged: DuckDB shows it rounded ("18.8 GiB"), and setting the shown text drifts.
 */
export async function pinMemoryLimit(conn: DuckDBConnection): Promise<number> {
  const rows = (await conn.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjects();
  const [, n, unit] = /^([\d.]+)\s*(\w+)$/.exec(String(rows[0].m)) ?? [];
  const bytes = Math.floor(Number(n) * (UNITS[unit] ?? Number.NaN));
  if (!Number.isFinite(bytes)) throw new Error(`unexpected DuckDB memory_limit: ${rows[0].m}`);
  await conn.run(`SET memory_limit = '${bytes}B'`);
  return bytes;
}

/**
 * Evicts cached table blocks beyond `budget` bytes, leaving what must stay in memory alone.
 * Runs on the writer's turn (never inside a transaction), a few milliseconds each time.
 */
export async function trimCache(conn: DuckDBConnection, limit: number, budget = CACHE_BUDGET): Promise<void> {
  const rows = (
    await conn.runAndReadAll(
      "SELECT sum(memory_usage_bytes) FILTER (WHERE tag = 'BASE_TABLE') AS cached, sum(memory_usage_bytes) AS used FROM duckdb_memory()",
    )
  ).getRowObjects();
  const cached = Number(rows[0].cached ?? 0);
  const used = Number(rows[0].used ?? 0);
  if (cached <= budget) return;
  try {
    // DuckDB evicts down to the new limit, or as far as it can and then refuses the limit.
    await conn.run(`SET memory_limit = '${Math.max(used - (cached - budget), 2 ** 20)}B'`);
  } catch {
    // refused: what could be evicted is gone, which is all a trim wants
  }
  await conn.run(`SET memory_limit = '${limit}B'`);
}

/**
 * Keeps reads and cache trims apart: a trim lowers the limit for a few milliseconds, and a read
 * allocating then could fail for want of memory. A trim holds new reads from its start and
 * gives running ones `waitMs` to finish, else gives up its turn (a long read only postpones
 * it to the next one).
 */
export class TrimGate {
  private reads = 0;
  private trimming: Promise<void> | null = null;

  constructor(private readonly waitMs = 100) {}

  /** Runs a read, after any trim under way. */
  async read<T>(f: () => Promise<T>): Promise<T> {
    while (this.trimming !== null) await this.trimming;
    this.reads++;
    try {
      return await f();
    } finally {
      this.reads--;
    }
  }

  /** Runs `trim` with no read running; false when running reads kept it from its turn. */
  async trim(trim: () => Promise<void>): Promise<boolean> {
    let release = () => {};
    this.trimming = new Promise<void>((r) => {
      release = r;
    });
    try {
      const until = performance.now() + this.waitMs;
      while (this.reads > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
      if (this.reads > 0) return false;
      // a failed trim only leaves the cache as it was
      await trim().catch(() => {});
      return true;
    } finally {
      this.trimming = null;
      release();
    }
  }
}
