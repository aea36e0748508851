// The spans table the migrations build is the one SPAN_SCHEMA describes, column for column.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import pg from "pg";
import { FIRST_FIELDS, type FieldKind, LATER_FIELDS, type SpanField } from "../../schema/span.js";
import { parseStorageUrl } from "./connect.js";
import { PostgresStore } from "./driver.js";
import { SKIP_PG, scratchSchema } from "./testing/scratch.js";

// information_schema's name for the column type of each kind (PG_TYPES in schema.ts).
const DATA_TYPE: Record<FieldKind, string> = {
  string: "text",
  status: "text",
  integer: "bigint",
  double: "double precision",
  decimal: "numeric",
  time: "bigint",
  attributes: "jsonb",
};

describe("postgres schema", { skip: SKIP_PG }, () => {
  test("the spans columns follow SPAN_SCHEMA: order, type and nullability; ingested_at, then the later fields", async () => {
    const s = scratchSchema();
    const store = await PostgresStore.open(s.url);
    try {
      const c = new pg.Client({ connectionString: parseStorageUrl(s.url).connectionString });
      await c.connect();
      const r = await c.query(
        `SELECT column_name, data_type, is_nullable, numeric_precision, numeric_scale FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'spans' ORDER BY ordinal_position`,
        [s.schema],
      );
      await c.end();
      const shape = (f: SpanField) => `${f.name} ${DATA_TYPE[f.kind]} ${f.nullable ? "YES" : "NO"}`;
      assert.deepEqual(
        r.rows.map((x) => `${x.column_name} ${x.data_type} ${x.is_nullable}`),
        [...FIRST_FIELDS.map(shape), "ingested_at bigint NO", ...LATER_FIELDS.map(shape)],
      );
      const cost = r.rows.find((x) => x.column_name === "cost_usd");
      assert.deepEqual([cost?.numeric_precision, cost?.numeric_scale], [18, 12]);
    } finally {
      await store.close();
      await s.drop();
    }
  });
});
