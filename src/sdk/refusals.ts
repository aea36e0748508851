const WARN_EVERY_MS = 60_000;

/**
 * Reports input the SDK dropped instead of throwing (a refused score, a bad user id) through
 * the tracer's warning sink: the first at once, then at most one a minute with the count, so
 * a loop of bad input does not flood the app's log.
 *
 * @example const refused = new Refusals(warn, "score"); refused.note("name: must be 1-128 characters")
 */
export class Refusals {
  private count = 0;
  private lastWarn = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly warn: (m: string) => void,
    /** What is dropped, as the warning names it ("score", "session or user id"). */
    private readonly what: string,
  ) {}

  note(reason: string): void {
    this.count++;
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    this.warn(`tokentrace: ${this.what} dropped: ${reason} (${this.count} dropped so far)`);
  }
}
