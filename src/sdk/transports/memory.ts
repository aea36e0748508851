import type { Span } from "../../span/types.js";
import { type ExportResult, SUCCESS, type Transport } from "./types.js";

export interface MemoryTransportOptions {
  /** Spans kept; the oldest go first past this (default 100 000). */
  maxSpans?: number;
}

/**
 * Keeps spans in memory: for tests, and for apps that read their own spans.
 *
 * @example const mem = new MemoryTransport(); createTracer({ transport: mem }); mem.spans()
 */
export class MemoryTransport implements Transport {
  readonly name = "memory";
  private kept: Span[] = [];
  private readonly maxSpans: number;

  constructor(opts: MemoryTransportOptions = {}) {
    this.maxSpans = opts.maxSpans ?? 100_000;
  }

  async export(spans: Span[]): Promise<ExportResult> {
    for (const s of spans) this.kept.push(s);
    if (this.kept.length > this.maxSpans) this.kept.splice(0, this.kept.length - this.maxSpans);
    return SUCCESS;
  }

  /** The spans received so far, oldest first. */
  spans(): Span[] {
    return this.kept.slice();
  }

  clear(): void {
    this.kept = [];
  }
}
