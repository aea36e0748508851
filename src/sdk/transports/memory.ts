import type { Span } from "../../span/types.js";
import type { WireScore } from "../score.js";
import { type ExportResult, SUCCESS, type Transport } from "./types.js";

export interface MemoryTransportOptions {
  /** Spans kept, and scores kept; the oldest go first past this (default 100 000). */
  maxSpans?: number;
}

/**
 * Keeps spans (and scores) in memory: for tests, and for apps that read their own spans.
 *
 * @example const mem = new MemoryTransport(); createTracer({ transport: mem }); mem.spans()
 */
export class MemoryTransport implements Transport {
  readonly name = "memory";
  // A ring: the newest maxSpans spans, `next` is where the next one goes.
  private ring: Span[] = [];
  private next = 0;
  private readonly maxSpans: number;
  private scoreList: WireScore[] = [];

  constructor(opts: MemoryTransportOptions = {}) {
    this.maxSpans = Math.max(1, opts.maxSpans ?? 100_000);
  }

  async export(spans: Span[]): Promise<ExportResult> {
    for (const s of spans) {
      if (this.ring.length < this.maxSpans) this.ring.push(s);
      else this.ring[this.next] = s;
      this.next = (this.next + 1) % this.maxSpans;
    }
    return SUCCESS;
  }

  /** The spans received so far (at most maxSpans, the newest), oldest first. */
  spans(): Span[] {
    if (this.ring.length < this.maxSpans) return this.ring.slice();
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  async exportScores(scores: WireScore[]): Promise<ExportResult> {
    this.scoreList.push(...scores);
    if (this.scoreList.length > this.maxSpans) this.scoreList = this.scoreList.slice(-this.maxSpans);
    return SUCCESS;
  }

  /** The scores received so far (at most maxSpans, the newest), oldest first. */
  scores(): WireScore[] {
    return this.scoreList.slice();
  }

  clear(): void {
    this.ring = [];
    this.next = 0;
    this.scoreList = [];
  }
}
