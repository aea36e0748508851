// Runs inside the store worker (and the bench loader): DuckDB's appender is the fast
// bulk path but blocks the calling thread, so it never runs on the server's event loop.
import { type DuckDBConnection, DuckDBDecimalValue, type DuckDBValue } from "@duckdb/node-api";
import type { Span } from "../../span/types.js";
import { attrIndex } from "./bloom.js";
import { COST_SCALE, COST_WIDTH, costToScaled } from "./rows.js";

type Appender = Awaited<ReturnType<DuckDBConnection["createAppender"]>>;

function str(a: Appender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}

function int(a: Appender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendBigInt(BigInt(v));
}

function dbl(a: Appender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendDouble(v);
}

const COST_LIMIT = 10n ** BigInt(COST_WIDTH);

// The appender stores an out-of-range DECIMAL silently as garbage: refuse it instead.
function costScaled(cost: number): bigint {
  const v = costToScaled(cost);
  if (v >= COST_LIMIT || v <= -COST_LIMIT) throw new Error(`cost_usd ${cost} does not fit DECIMAL(18, 12)`);
  return v;
}

/** Appends one span in table column order: SPAN_COLUMNS, then attr_bloom. */
function appendSpan(a: Appender, s: Span, bloom: bigint): void {
  str(a, s.trace_id);
  str(a, s.span_id);
  str(a, s.parent_span_id);
  str(a, s.name);
  str(a, s.model);
  str(a, s.provider);
  int(a, s.prompt_tokens);
  int(a, s.comp_tokens);
  int(a, s.total_tokens);
  int(a, s.cached_tokens);
  int(a, s.reasoning_tokens);
  if (s.cost_usd === null) a.appendNull();
  else a.appendDecimal(new DuckDBDecimalValue(costScaled(s.cost_usd), COST_WIDTH, COST_SCALE));
  dbl(a, s.latency_ms);
  dbl(a, s.ttft_ms);
  str(a, s.status);
  str(a, s.caller);
  int(a, s.started_at);
  int(a, s.ended_at);
  dbl(a, s.eval_score);
  str(a, JSON.stringify(s.attributes));
  a.appendBigInt(bloom);
  a.endRow();
}

function closeQuietly(a: Appender): void {
  try {
    a.closeSync();
  } catch {
    // the transaction is rolled back by the caller
  }
}

/**
 * Appends spans (and their span_attrs rows) inside one transaction: all rows are committed
 * together or none is (the appender alone would commit each flushed chunk).
 */
export async function appendSpans(conn: DuckDBConnection, spans: Iterable<Span>): Promise<number> {
  let n = 0;
  await conn.run("BEGIN TRANSACTION");
  try {
    const a = await conn.createAppender("spans");
    const h = await conn.createAppender("span_attrs").catch((e: unknown) => {
      closeQuietly(a);
      throw e;
    });
    try {
      for (const s of spans) {
        const { hashes, bloom } = attrIndex(s.attributes);
        appendSpan(a, s, bloom);
        const started = BigInt(s.started_at);
        for (const x of hashes) {
          h.appendInteger(x);
          h.appendBigInt(started);
          h.endRow();
        }
        n++;
      }
      a.flushSync();
      h.flushSync();
    } finally {
      // After a failed append, close re-raises it: the error that matters is already thrown.
      closeQuietly(a);
      closeQuietly(h);
    }
    await conn.run("COMMIT");
  } catch (e) {
    await conn.run("ROLLBACK").catch(() => {});
    throw e;
  }
  return n;
}

/** Plain JS value of a DuckDB result value: BIGINT/HUGEINT/DECIMAL → number, NULL → null. */
export function toPlain(v: DuckDBValue): unknown {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof DuckDBDecimalValue) return Number(v.toString());
  if (typeof v === "object" && "items" in v && Array.isArray(v.items))
    return v.items.map((x: DuckDBValue) => toPlain(x));
  return String(v);
}
