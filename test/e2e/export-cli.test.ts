// `tokentrace export` on a stopped DuckDB store (direct) and while `tokentrace serve` holds
// the file (through the server's GET /export), every format read back with an independent
// reader and compared with /metrics. Also GET /export itself on the memory, DuckDB and
// PostgreSQL stores.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { type Config, DEFAULT_CONFIG } from "../../src/config/types.js";
import { startServer } from "../../src/server/listen.js";
import { costSum, readExport } from "./helpers/readback.js";
import { makeTempDir, REPO_ROOT, removeDir, type ServeProcess, startServe, storageFile } from "./helpers/server.js";

const run = promisify(execFile);
const FORMATS = ["parquet", "csv", "jsonl"] as const;
const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"];
const HOUR = 3_600_000;

function spans(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    model: MODELS[i % 3],
    caller: i % 2 ? "checkout" : "search",
    prompt_tokens: 50 + i,
    comp_tokens: 5 + (i % 11),
    cost_usd: Number((0.0000137 * (i + 1)).toFixed(7)),
    latency_ms: 200 + i,
    status: i % 9 === 0 ? "error" : "ok",
    // Spread over the last 2 days; a few outside the exported range (3 days ago).
    started_at: new Date(Date.now() - (i % 17 === 0 ? 72 * HOUR : (i * 997) % (47 * HOUR)) - 60_000).toISOString(),
    attributes: { note: i % 4 === 0 ? 'has, comma "and quote"\r\nand CRLF' : `n${i}`, n: i },
  }));
}

interface Totals {
  span_count: number;
  cost: { total_usd: number };
}

async function metrics(url: string, query: string): Promise<Totals> {
  const res = await fetch(`${url}/metrics?${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Totals;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
}

async function cli(cwd: string, args: string[]): Promise<{ stderr: string }> {
  const tsx = join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs");
  const { stderr } = await run(
    process.execPath,
    ["--import", tsx, join(REPO_ROOT, "src/cli/main.ts"), "export", ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? "" },
    },
  );
  return { stderr };
}

function near(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
}

describe("tokentrace export (DuckDB store)", () => {
  let dir: string;
  let server: ServeProcess | undefined;
  let config: string;
  let all: Totals;
  let gpt4o: Totals;

  before(async () => {
    dir = await makeTempDir();
    const port = await freePort();
    config = join(dir, "tokentrace.yml");
    writeFileSync(config, `http_server:\n  addr: 127.0.0.1:${port}\nstorage:\n  path: ${storageFile(dir)}\n`);
    server = await startServe({ args: ["--config", config], addr: `127.0.0.1:${port}`, cwd: dir });
    const res = await fetch(`${server.url}/spans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(spans(300)),
    });
    assert.equal(res.status, 202, await res.text());
    all = await metrics(server.url, "window=2d");
    gpt4o = await metrics(server.url, "window=2d&model=gpt-4o");
    assert.ok(all.span_count > 250 && all.span_count < 300, `${all.span_count} spans in 2d`);
  });

  after(async () => {
    await server?.stop();
    await removeDir(dir);
  });

  for (const format of FORMATS) {
    test(`${format}: while the server holds the file, through its GET /export`, async () => {
      const out = join(dir, `running.${format}`);
      const r = await cli(dir, ["--config", config, "--format", format, "--since", "2d", "--out", out]);
      assert.match(r.stderr, /held by a running server; exporting through http:\/\/127\.0\.0\.1:\d+\/export/);
      const rows = await readExport(out, format);
      assert.equal(rows.length, all.span_count);
      near(costSum(rows), all.cost.total_usd, "cost");
    });
  }

  test("stopped store: every format directly from the file, with --model", async () => {
    assert.equal((await server?.stop())?.code, 0);
    server = undefined;
    for (const format of FORMATS) {
      const out = join(dir, `stopped.${format}`);
      const r = await cli(dir, ["--config", config, "--format", format, "--since", "2d", "--out", out]);
      assert.doesNotMatch(r.stderr, /running server/);
      const rows = await readExport(out, format);
      assert.equal(rows.length, all.span_count, format);
      near(costSum(rows), all.cost.total_usd, `${format} cost`);
      const one = join(dir, `gpt4o.${format}`);
      await cli(dir, ["--config", config, "--format", format, "--since", "2d", "--model", "gpt-4o", "--out", one]);
      const mine = await readExport(one, format);
      assert.equal(mine.length, gpt4o.span_count, `${format} --model`);
      assert.ok(mine.every((x) => x.model === "gpt-4o"));
      near(costSum(mine), gpt4o.cost.total_usd, `${format} --model cost`);
    }
    // Attributes with commas, quotes and CRLF survive CSV intact.
    const csv = await readExport(join(dir, "stopped.csv"), "csv");
    const noted = csv.find((x) => String(x.attributes).includes("comma"));
    assert.deepEqual(JSON.parse(String(noted?.attributes)).note, 'has, comma "and quote"\r\nand CRLF');
  });

  test("bad arguments exit 2 and name the option", async () => {
    await assert.rejects(
      cli(dir, ["--format", "xml", "--since", "1h", "--out", "x"]),
      (e: { code: number; stderr: string }) => {
        assert.equal(e.code, 2);
        assert.match(e.stderr, /--format must be one of parquet, csv, jsonl/);
        return true;
      },
    );
    await assert.rejects(
      cli(dir, ["--format", "csv", "--since", "yesterday", "--out", "x"]),
      /--since "yesterday" is not/,
    );
  });
});

const PG = process.env.TOKENTRACE_TEST_PG_URL;
for (const driver of ["memory", "duckdb", "postgres"] as const) {
  describe(`GET /export (${driver} store)`, {
    skip: driver === "postgres" && !PG ? "TOKENTRACE_TEST_PG_URL not set" : false,
  }, () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startServer>>;
    let cleanup = async () => {};

    before(async () => {
      dir = await makeTempDir();
      let storage: Config["storage"] = { driver, path: storageFile(dir), url: null };
      if (driver === "postgres") {
        const { scratchSchema } = await import("../../src/store/postgres/testing/scratch.js");
        const s = await scratchSchema(PG as string);
        storage = { driver, path: "", url: s.url };
        cleanup = s.drop;
      }
      server = await startServer({
        ...DEFAULT_CONFIG,
        http_server: { ...DEFAULT_CONFIG.http_server, addr: "127.0.0.1:0" },
        storage,
      });
      const all = spans(7000);
      for (let i = 0; i < all.length; i += 1000) {
        const res = await fetch(`${server.url}/spans`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(all.slice(i, i + 1000)),
        });
        assert.equal(res.status, 202, await res.text());
      }
    });

    after(async () => {
      await server?.close();
      await cleanup();
      await removeDir(dir);
    });

    for (const format of FORMATS) {
      test(`format=${format}&window=2d streams every span of the window (more than one page)`, async () => {
        const res = await fetch(`${server.url}/export?format=${format}&window=2d`);
        assert.equal(res.status, 200);
        assert.match(
          res.headers.get("content-disposition") ?? "",
          new RegExp(`attachment; filename="tokentrace-.*\\.${format}"`),
        );
        const path = join(dir, `get.${format}`);
        writeFileSync(path, Buffer.from(await res.arrayBuffer()));
        const rows = await readExport(path, format);
        const totals = await metrics(server.url, "window=2d");
        assert.ok(totals.span_count > 5000);
        assert.equal(rows.length, totals.span_count);
        near(costSum(rows), totals.cost.total_usd, "cost");
      });
    }

    test("a bad format or time is a 400 naming the parameter", async () => {
      for (const [query, message] of [
        ["format=xml", /format: "xml" is not one of parquet, csv, jsonl/],
        ["since=soon", /since: "soon" is not/],
        ["window=1h&since=2h", /window: give either window or since\/until/],
        ["since=1h&until=2h", /until: must be later than since/],
        ["modell=x", /modell: unknown query parameter/],
      ] as const) {
        const res = await fetch(`${server.url}/export?${query}`);
        assert.equal(res.status, 400, query);
        assert.match(((await res.json()) as { error: string }).error, message);
      }
    });
  });
}
