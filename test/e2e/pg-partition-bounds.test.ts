// Finding: on PostgreSQL one batch of 1000 spans dated on 1000 different days created 1000
// partitions, future ones never dropped. With the ingest time bounds (ingest.max_future,
// retention) no span outside [now - retention, now + max_future] reaches the store, so no
// partition is created outside that range either.
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { testConfig } from "../../src/config/testing/config.js";
import { startServer } from "../../src/server/index.js";
import { parseStorageUrl } from "../../src/store/postgres/connect.js";
import { PostgresStore } from "../../src/store/postgres/driver.js";
import { DAY_MS } from "../../src/store/postgres/schema.js";
import { SKIP_PG, scratchSchema, TEST_PG_URL } from "../../src/store/postgres/testing/scratch.js";

async function partitionDays(schema: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: parseStorageUrl(TEST_PG_URL ?? "").connectionString });
  await c.connect();
  try {
    const r = await c.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname LIKE 'spans_d%' AND c.relkind = 'r'`,
      [schema],
    );
    return r.rows.map((row) => Number(row.relname.slice("spans_d".length))).sort((a, b) => a - b);
  } finally {
    await c.end();
  }
}

test("PostgreSQL: spans dated on 1000 different days create no partition outside the time bounds", {
  skip: SKIP_PG,
}, async () => {
  const s = scratchSchema();
  const store = await PostgresStore.open(s.url);
  const server = await startServer(testConfig(), { store });
  try {
    const now = Date.now();
    const post = (spans: unknown[]) =>
      fetch(`${server.url}/spans`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(spans),
      });
    // 1000 spans a day apart, from 499.5 days ago to 499.5 days ahead (half a day off each bound)
    const startOf = (i: number) => now + (i - 500) * DAY_MS + DAY_MS / 2;
    const spread = Array.from({ length: 1000 }, (_, i) => ({
      model: "gpt-4o",
      prompt_tokens: 1,
      started_at: new Date(startOf(i)).toISOString(),
    }));
    const r = await post(spread);
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), {
      error: "spans[0].started_at: older than the retention (30d) by the server's clock",
    });
    // the same days through OTLP: the spans out of range are rejected, those within stored
    const otlp = await fetch(`${server.url}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: spread.map((_, i) => ({
                  traceId: "5b8efff798038103d269b633813fc60c",
                  spanId: (0x1000 + i).toString(16).padStart(16, "0"),
                  name: "chat",
                  startTimeUnixNano: String(BigInt(startOf(i)) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(startOf(i) + 1000) * 1_000_000n),
                })),
              },
            ],
          },
        ],
      }),
    });
    assert.equal(otlp.status, 200);
    const body = (await otlp.json()) as { partialSuccess: { rejectedSpans: string } };
    assert.equal(body.partialSuccess.rejectedSpans, String(1000 - 30), "the 30 within 30 days back are stored");
    const days = await partitionDays(s.schema);
    const first = Math.floor((now - 30 * DAY_MS) / DAY_MS);
    const last = Math.floor((now + 3_600_000) / DAY_MS);
    assert.ok(days.length > 0 && days.length <= 32, `${days.length} partitions`);
    for (const d of days) assert.ok(d >= first && d <= last, `partition of day ${d} is outside ${first}..${last}`);
  } finally {
    await server.close();
    await store.close();
    await s.drop();
  }
});
