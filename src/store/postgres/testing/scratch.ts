// Test helper: a throwaway schema per store, so parallel test files and reruns never collide.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { parseStorageUrl } from "../connect.js";
import { type PostgresOptions, PostgresStore } from "../driver.js";

/** The database the postgres tests use (set by .ci/run), or undefined to skip them. */
export const TEST_PG_URL = process.env.TOKENTRACE_TEST_PG_URL;
export const SKIP_PG = TEST_PG_URL ? false : "TOKENTRACE_TEST_PG_URL not set";

/** A storage.url for a fresh schema in the test database, and a function dropping the schema. */
export function scratchSchema(base = TEST_PG_URL ?? ""): { url: string; schema: string; drop: () => Promise<void> } {
  const schema = `tt_test_${randomBytes(6).toString("hex")}`;
  // Without a database (tests skipped) there is nothing to create or drop.
  if (base === "") return { url: "", schema, drop: async () => undefined };
  const u = new URL(base);
  u.searchParams.set("schema", schema);
  return {
    url: u.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: parseStorageUrl(base).connectionString });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Opens a store in a fresh schema; cleanup closes it and drops the schema. */
export async function openScratch(
  o: PostgresOptions = {},
): Promise<{ store: PostgresStore; url: string; reopen: () => Promise<PostgresStore>; cleanup: () => Promise<void> }> {
  const s = scratchSchema();
  const opened: PostgresStore[] = [await PostgresStore.open(s.url, o)];
  return {
    store: opened[0],
    url: s.url,
    reopen: async () => {
      const again = await PostgresStore.open(s.url, o);
      opened.push(again);
      return again;
    },
    cleanup: async () => {
      for (const st of opened) await st.close();
      await s.drop();
    },
  };
}
