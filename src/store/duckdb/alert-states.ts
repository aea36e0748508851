// Alert rule states, written to DuckDB's alert_state table a turn of the event loop at a time.
import type { JsonObject } from "../store.js";

type Batch = (statements: { sql: string; params: unknown[] }[]) => Promise<unknown>;

interface Waiting {
  name: string;
  json: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const UPSERT = "INSERT OR REPLACE INTO alert_state (name, state) VALUES ($1, $2)";

/**
 * Gathers state writes until the event loop turns and commits them in one transaction: a
 * round of a hundred rules writes its states in one commit instead of a hundred (each commit
 * costs ~15-20 ms). Each promise still resolves only once its state is committed.
 */
export class AlertStateWriter {
  private waiting: Waiting[] = [];

  constructor(private readonly batch: Batch) {}

  save(name: string, state: JsonObject): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ name, json: JSON.stringify(state), resolve, reject });
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    // a rule saved twice in one turn: its last state is the one to keep
    const last = new Map(waiting.map((w) => [w.name, w.json]));
    this.batch([...last].map(([name, json]) => ({ sql: UPSERT, params: [name, json] }))).then(
      () => {
        for (const w of waiting) w.resolve();
      },
      (err: unknown) => {
        for (const w of waiting) w.reject(err);
      },
    );
  }
}
