import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Span } from "../../span/types.js";
import { rowToSpan, spanSelect } from "../sql-rows.js";
import { appendSpans, toPlain } from "./append.js";
import { pairHash } from "./bloom.js";
import { SCHEMA_SQL } from "./schema.js";

function span(i: number, over: Partial<Span> = {}): Span {
  return {
    trace_id: `t${i >> 2}`,
    span_id: `s${i}`,
    parent_span_id: i % 4 === 0 ? null : `s${i - (i % 4)}`,
    name: i % 3 === 0 ? "名前 ✓" : "chat",
    model: i % 5 === 0 ? null : "gpt-4o",
    provider: i % 5 === 0 ? null : "openai",
    prompt_tokens: i,
    comp_tokens: 2 * i,
    total_tokens: 3 * i,
    cached_tokens: i % 2 === 0 ? null : i,
    reasoning_tokens: null,
    cost_usd: i % 7 === 0 ? null : (448 + i) / 1e5,
    latency_ms: 12.5 + i,
    ttft_ms: i % 2 === 0 ? null : 3.25,
    status: i % 9 === 0 ? "error" : "ok",
    caller: i % 6 === 0 ? null : "svc",
    started_at: 1_790_000_000_000 + i,
    ended_at: 1_790_000_000_100 + i,
    eval_score: i % 2 === 0 ? 0.5 : null,
    session_id: null,
    user_id: null,
    attributes: i % 10 === 0 ? {} : { request_id: `r${i}`, n: i, ok: i % 2 === 0, q: 'it\'s \u0000 "quoted"' },
    ...over,
  };
}

async function withDb(
  f: (all: (sql: string) => Promise<Record<string, unknown>[]>, db: DuckDBInstance) => Promise<void>,
) {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  await conn.run(SCHEMA_SQL);
  try {
    await f(async (sql) => {
      const rows = (await conn.runAndReadAll(sql)).getRowObjects();
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toPlain(v)])));
    }, db);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe("appendSpans (column-wise data chunks)", () => {
  test("spans across several data chunks read back exactly, with their span_attrs rows", async () => {
    await withDb(async (all, db) => {
      const spans = Array.from({ length: 5000 }, (_, i) => span(i));
      const conn = await db.connect();
      assert.equal(await appendSpans(conn, spans), 5000);
      conn.closeSync();
      const rows = await all(`SELECT ${spanSelect()} FROM spans ORDER BY started_at`);
      assert.deepEqual(rows.map(rowToSpan), spans);
      const attrs = await all("SELECT count(*) AS n FROM span_attrs");
      assert.equal(
        attrs[0].n,
        spans.reduce((n, s) => n + Object.keys(s.attributes).length, 0),
      );
      const hit = await all(`SELECT started_at FROM span_attrs WHERE h = ${pairHash("request_id", "r4321")}`);
      assert.deepEqual(hit, [{ started_at: spans[4321].started_at }]);
    });
  });

  test("a bad span in a later chunk leaves nothing committed", async () => {
    await withDb(async (all, db) => {
      const spans = Array.from({ length: 4500 }, (_, i) => span(i));
      spans[4400] = span(4400, { cost_usd: 2_000_000 });
      const conn = await db.connect();
      await assert.rejects(appendSpans(conn, spans), /cost_usd 2000000 does not fit/);
      conn.closeSync();
      assert.deepEqual(await all("SELECT (SELECT count(*) FROM spans) AS s, (SELECT count(*) FROM span_attrs) AS a"), [
        { s: 0, a: 0 },
      ]);
    });
  });
});
