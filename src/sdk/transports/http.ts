import { randomUUID } from "node:crypto";
import type { Span } from "../../span/types.js";
import { type BudgetReading, fetchBudget } from "../budget.js";
import { toOtlpBody } from "../otlp.js";
import type { WireScore } from "../score.js";
import { isGroupSpan, toWireBody, toWireSpan } from "../wire.js";
import { otlpEndpoint, postSpans, scoresEndpoint, spansEndpoint } from "./post.js";
import { type ExportResult, failure, SUCCESS, type Transport } from "./types.js";

export interface HttpTransportOptions {
  /** The tokentrace server, e.g. "http://localhost:9090" (POST /spans is appended). */
  url: string;
  /** Bearer token (http_server.auth_token of the server). */
  token?: string | null;
  /** Spans per request; keep at or below the server's max_batch_size (default 1000). */
  maxBatchSize?: number;
  /** Per-request timeout (default 10 000 ms). */
  timeoutMs?: number;
}

/**
 * Sends spans to a tokentrace server's POST /spans, and grouping spans (no LLM call, no
 * model) to its POST /v1/traces as OTLP/JSON. Each request carries an Idempotency-Key that
 * its retries reuse, so a retry after a lost response is not stored twice. A 413 splits
 * the batch in halves (and lowers maxBatchSize for later batches); halves already accepted
 * are not sent again when the rest is retried. Scores go to POST /scores, a queued batch as
 * one array (one by one when the server refuses it); each carries its own id, so a retry
 * replaces instead of adding.
 *
 * @example createTracer({ service: "api", transport: new HttpTransport({ url: "http://localhost:9090" }) })
 */
export class HttpTransport implements Transport {
  readonly name = "http";
  readonly url: string;
  private readonly otlpUrl: string;
  private readonly scoresUrl: string;
  maxBatchSize: number;
  get target(): string {
    return this.url;
  }
  private readonly token: string | null;
  private readonly timeoutMs: number;
  private readonly keys = new WeakMap<Span[], string>();
  private readonly halves = new WeakMap<Span[], [Span[], Span[]]>();
  private readonly done = new WeakSet<Span[] | WireScore>();
  /** Whether the server takes an array of scores in one POST /scores (servers before it do not). */
  private batchScores = true;

  constructor(opts: HttpTransportOptions) {
    this.url = spansEndpoint(opts.url);
    this.otlpUrl = otlpEndpoint(opts.url);
    this.scoresUrl = scoresEndpoint(opts.url);
    this.token = opts.token ?? null;
    this.maxBatchSize = Math.max(1, opts.maxBatchSize ?? 1000);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  readBudget(name: string, query: Record<string, string>): Promise<BudgetReading | string> {
    return fetchBudget(this.url, this.token, this.timeoutMs, name, query);
  }

  async export(spans: Span[]): Promise<ExportResult> {
    if (this.done.has(spans) || spans.length === 0) return SUCCESS;
    const split = this.halves.get(spans);
    if (split !== undefined) return this.exportHalves(split);
    const groups = spans.filter(isGroupSpan);
    if (groups.length > 0 && groups.length < spans.length) {
      // Two endpoints: the grouping spans and the calls become the two halves.
      const pair: [Span[], Span[]] = [groups, spans.filter((s) => !isGroupSpan(s))];
      this.halves.set(spans, pair);
      return this.exportHalves(pair);
    }
    const otlp = groups.length > 0;
    let key = this.keys.get(spans);
    if (key === undefined) {
      key = randomUUID();
      this.keys.set(spans, key);
    }
    const r = await postSpans({
      url: otlp ? this.otlpUrl : this.url,
      body: otlp ? toOtlpBody(spans.map(toWireSpan)) : toWireBody(spans),
      idempotencyKey: key,
      token: this.token,
      timeoutMs: this.timeoutMs,
    });
    if (r.kind === "success") this.done.add(spans);
    if (r.kind !== "too_large") return r;
    if (spans.length === 1) return failure(r.error);
    const mid = Math.ceil(spans.length / 2);
    const pair: [Span[], Span[]] = [spans.slice(0, mid), spans.slice(mid)];
    this.halves.set(spans, pair);
    this.maxBatchSize = Math.min(this.maxBatchSize, mid);
    return this.exportHalves(pair);
  }

  async exportScores(scores: WireScore[]): Promise<ExportResult> {
    const todo = scores.filter((s) => !this.done.has(s));
    if (todo.length === 0) return SUCCESS;
    if (todo.length > 1 && this.batchScores) {
      // One request for the batch (each score carries its id, so a retry replaces, never adds).
      const r = await postSpans({
        url: this.scoresUrl,
        body: JSON.stringify(todo),
        idempotencyKey: `scores-${todo[0].id}-${todo.length}`,
        token: this.token,
        timeoutMs: this.timeoutMs,
      });
      if (r.kind === "success") {
        for (const s of todo) this.done.add(s);
        return SUCCESS;
      }
      if (r.kind === "retryable") return r;
      // Refused: one bad score, or a server from before arrays (it answers 400 "body: must be a
      // JSON object"). One by one, the good ones still go; an old server is asked so from now on.
      if (/body: must be a JSON object/.test(r.error)) this.batchScores = false;
    }
    let refused: ExportResult | null = null;
    for (const s of todo) {
      const r = await postSpans({
        url: this.scoresUrl,
        body: JSON.stringify(s),
        idempotencyKey: s.id,
        token: this.token,
        timeoutMs: this.timeoutMs,
      });
      // retried later from here: the scores already sent are not sent again
      if (r.kind === "retryable") return r;
      this.done.add(s);
      if (r.kind !== "success") refused ??= failure(r.error);
    }
    return refused ?? SUCCESS;
  }

  private async exportHalves([a, b]: [Span[], Span[]]): Promise<ExportResult> {
    const ra = await this.export(a);
    if (ra.kind === "retryable") return ra;
    // A half rejected for good is not sent again; the other half still goes.
    if (ra.kind === "failure") this.done.add(a);
    const rb = await this.export(b);
    if (rb.kind === "failure") this.done.add(b);
    return ra.kind === "failure" ? ra : rb;
  }
}
