import type { Span } from "../../span/types.js";
import type { WireScore } from "../score.js";
import { toWireSpan } from "../wire.js";
import { type ExportResult, SUCCESS, type Transport } from "./types.js";

export interface ConsoleTransportOptions {
  /** Print each span as a JSON line instead of a readable summary. */
  json?: boolean;
  /** Where lines go (default process.stderr, so the app's stdout stays its own). */
  stream?: { write(chunk: string): unknown };
}

function summary(s: Span): string {
  if (s.model === null) return `[tokentrace] ${s.name} ${s.latency_ms}ms ${s.status} trace=${s.trace_id}\n`;
  const cost = s.cost_usd === null ? "unpriced" : `$${s.cost_usd.toFixed(6)}`;
  const ttft = s.ttft_ms === null ? "" : ` ttft=${s.ttft_ms}ms`;
  return (
    `[tokentrace] ${s.name} model=${s.model} tokens=${s.prompt_tokens}+${s.comp_tokens} ${cost} ` +
    `${s.latency_ms}ms${ttft} ${s.status} trace=${s.trace_id}\n`
  );
}

function scoreSummary(s: WireScore): string {
  const v = s.label ?? String(s.value);
  const span = s.span_id === undefined ? "" : ` span=${s.span_id}`;
  const comment = s.comment === undefined ? "" : ` ${JSON.stringify(s.comment)}`;
  return `[tokentrace] score ${s.name}=${v} (${s.source}) trace=${s.trace_id}${span}${comment}\n`;
}

/**
 * Prints spans and scores: handy while developing.
 *
 * @example createTracer({ service: "api", transport: new ConsoleTransport() })
 */
export class ConsoleTransport implements Transport {
  readonly name = "console";
  private readonly json: boolean;
  private readonly stream: { write(chunk: string): unknown };

  constructor(opts: ConsoleTransportOptions = {}) {
    this.json = opts.json ?? false;
    this.stream = opts.stream ?? process.stderr;
  }

  async export(spans: Span[]): Promise<ExportResult> {
    let out = "";
    for (const s of spans) out += this.json ? `${JSON.stringify(toWireSpan(s))}\n` : summary(s);
    this.stream.write(out);
    return SUCCESS;
  }

  async exportScores(scores: WireScore[]): Promise<ExportResult> {
    let out = "";
    for (const s of scores) out += this.json ? `${JSON.stringify({ score: s })}\n` : scoreSummary(s);
    this.stream.write(out);
    return SUCCESS;
  }
}
