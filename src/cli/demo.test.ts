import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { DEFAULT_CONFIG } from "../config/types.js";
import { openStore } from "../store/index.js";
import { runDemo } from "./demo.js";

const NOW = Date.UTC(2026, 2, 18, 16, 30);

/** Runs the command with console output captured. */
async function run(t: TestContext, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  t.mock.method(console, "log", (...a: unknown[]) => out.push(a.join(" ")));
  t.mock.method(console, "error", (...a: unknown[]) => err.push(a.join(" ")));
  try {
    const code = await runDemo(argv, () => NOW);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    t.mock.restoreAll();
  }
}

describe("tokentrace demo", () => {
  it("prints its usage with --help", async (t) => {
    const r = await run(t, ["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: tokentrace demo/);
  });

  it("rejects bad arguments with exit code 2 and says which", async (t) => {
    let r = await run(t, ["--days", "0"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--days must be an integer from 1 to 90, got "0"/);
    r = await run(t, ["--bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /bogus/);
    r = await run(t, ["--storage-driver", "memory"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /memory store forgets everything/);
  });

  it("fills an empty DuckDB store, then refuses a non-empty one unless --force", async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "tokentrace-demo-"));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, "spans.duckdb");
    const args = ["--storage-driver", "duckdb", "--storage-path", path, "--days", "2", "--per-day", "150"];

    const first = await run(t, args);
    assert.equal(first.code, 0, first.err);
    assert.match(
      first.out,
      /Inserted [\d,]+ spans in [\d,]+ traces over 2 days \(\$\d+\.\d\d\) and 4 alert rules into duckdb/,
    );

    const refused = await run(t, args);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /already holds [\d,]+ spans; .*--force/);

    const config = structuredClone(DEFAULT_CONFIG);
    config.storage = { driver: "duckdb", path, url: null };
    let store = await openStore(config);
    const count = await store.countSpans();
    const rules = await store.listAlertRules();
    await store.close();
    assert.ok(count > 500, `${count} spans`);
    assert.deepEqual(rules.map((r) => r.name).sort(), [
      "error-rate",
      "gpt-4o-latency-p95",
      "hourly-cost-spike",
      "summary-quality",
    ]);

    const forced = await run(t, [...args, "--force", "--seed", "9"]);
    assert.equal(forced.code, 0, forced.err);
    store = await openStore(config);
    assert.ok((await store.countSpans()) > count);
    await store.close();
  });
});
