// Exactly once on PostgreSQL: two instances (two stores on one schema) receiving the same
// spans at the same time store each once and roll it up once; a schema from before the unique
// index loses its duplicate rows, and its rollups are recomputed, when it is migrated.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import { FIRST_FIELDS, LATER_FIELDS } from "../../schema/span.js";
import type { Span } from "../../span/types.js";
import { prng } from "../../util/random.js";
import { span } from "../testing/conformance-fixtures.js";
import { parseStorageUrl } from "./connect.js";
import { PostgresStore } from "./driver.js";
import { insertStatement } from "./insert.js";
import { MIGRATIONS } from "./migrate.js";
import { SKIP_PG, scratchSchema } from "./testing/scratch.js";

const DAY0 = Date.UTC(2026, 0, 20);
const WINDOW = { from: DAY0, to: DAY0 + 86_400_000, filter: {} };

function spans(n: number): Span[] {
  return Array.from({ length: n }, (_, i) =>
    span({
      model: ["gpt-4o", "claude-haiku-4-5"][i % 2],
      cost_usd: 0.25,
      started_at: DAY0 + i * 60_000,
      ended_at: DAY0 + i * 60_000 + 500,
    }),
  );
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const r = prng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: parseStorageUrl(url).connectionString });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

describe("postgres: exactly once by span identity", { skip: SKIP_PG }, () => {
  test("two instances receiving the same spans at once store and count each once", async () => {
    const s = scratchSchema();
    const [a, b] = await Promise.all([PostgresStore.open(s.url), PostgresStore.open(s.url)]);
    try {
      const all = spans(400);
      // Each instance gets every span, in overlapping batches in a different order.
      const sends = (st: PostgresStore, seed: number) => async () => {
        const order = shuffled(all, seed);
        for (let i = 0; i < order.length; i += 70) await st.insert(order.slice(i, i + 70));
      };
      await Promise.all([sends(a, 1)(), sends(b, 2)(), sends(a, 3)(), sends(b, 4)()]);
      for (const st of [a, b]) {
        assert.equal(await st.countSpans(), all.length);
        const [total] = await st.summarize(WINDOW);
        assert.equal(total.span_count, all.length);
        assert.equal(total.cost_usd, all.length * 0.25);
        const rows = await st.exposition({ latencyBucketsMs: [100, 1000], qualityBuckets: [0.5] });
        assert.equal(
          rows.reduce((n, r) => n + r.span_count, 0),
          all.length,
        );
      }
    } finally {
      await a.close();
      await b.close();
      await s.drop();
    }
  });

  test("migration 3 removes copies stored before it and recomputes the rollups", async () => {
    const s = scratchSchema();
    const schema = `"${s.schema}"`;
    try {
      // The schema as migrations 1-2 left it, with a span stored three times (old retries).
      const all = spans(6);
      await withClient(s.url, async (c) => {
        await c.query(`CREATE SCHEMA ${schema}`);
        await c.query(`SET search_path TO ${schema}`);
        await c.query(
          "CREATE TABLE tokentrace_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        );
        for (const [i, m] of MIGRATIONS.slice(0, 2).entries()) {
          await c.query(m);
          await c.query("INSERT INTO tokentrace_migrations (version) VALUES ($1)", [i + 1]);
        }
        await c.query(
          `CREATE TABLE spans_d${Math.floor(DAY0 / 86_400_000)} PARTITION OF spans FOR VALUES FROM (${DAY0}) TO (${DAY0 + 86_400_000})`,
        );
        // Without the unique index the statement's conflict clause has nothing to infer from;
        // and the columns added later (migration 5) are not there yet: they come last.
        const plain = (x: Span[]) => {
          const st = insertStatement(x);
          const later = LATER_FIELDS.map((f) => f.name);
          let text = st.text.replace(/ON CONFLICT \(trace_id, span_id, started_at\) DO NOTHING/, "");
          for (const [i, name] of later.entries()) {
            text = text.replaceAll(`, ${name}`, "").replace(`, $${FIRST_FIELDS.length + i + 1}::TEXT[]`, "");
          }
          return { text, values: st.values.slice(0, FIRST_FIELDS.length) };
        };
        for (const x of [all, [all[2]], [all[2]]]) {
          const st = plain(x);
          await c.query(st.text, st.values);
        }
      });
      const store = await PostgresStore.open(s.url);
      try {
        assert.equal(await store.countSpans(), all.length);
        assert.deepEqual(await store.getTrace(all[2].trace_id), [all[2]]);
        const [total] = await store.summarize(WINDOW);
        assert.equal(total.span_count, all.length);
        assert.equal(total.cost_usd, all.length * 0.25);
        await store.insert(all);
        assert.equal(await store.countSpans(), all.length);
      } finally {
        await store.close();
      }
    } finally {
      await s.drop();
    }
  });
});
