import type pg from "pg";
import { lockKey } from "./schema.js";

/**
 * Alert leadership across instances: a session-level advisory lock held on a connection of
 * its own. The lock lives as long as that session, so when the leading process dies (or its
 * connection does) PostgreSQL releases it and another instance takes it on its next round.
 */
export class AlertLeader {
  private client: pg.Client | null = null;
  private held = false;

  constructor(
    private readonly connect: () => pg.Client,
    private readonly schema: string,
  ) {}

  private drop(): void {
    const c = this.client;
    this.client = null;
    this.held = false;
    if (c) void c.end().catch(() => undefined);
  }

  /** Resolves true while this instance holds the lock (taking it when free), false otherwise. */
  async tryLead(): Promise<boolean> {
    try {
      if (this.client === null) {
        const c = this.connect();
        // A lost connection also loses the lock: forget both, the next round reconnects.
        c.on("error", () => {
          if (this.client === c) this.drop();
        });
        c.on("end", () => {
          if (this.client === c) this.drop();
        });
        this.client = c;
        await c.connect();
      }
      if (this.held) {
        // Proves the session (and so the lock) is still there before evaluating.
        await this.client.query("SELECT 1");
        return true;
      }
      const r = await this.client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [
        lockKey(this.schema, "alerts"),
      ]);
      this.held = r.rows[0].ok;
      return this.held;
    } catch {
      this.drop();
      return false;
    }
  }

  /** Ends the session, which releases the lock at once. */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.held = false;
    if (c) await c.end().catch(() => undefined);
  }
}
