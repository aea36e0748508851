// Scheduled incremental export through a real `tokentrace serve` (DuckDB store): files per
// period plus manifest, across a restart and late spans; every file read back with hyparquet
// and checked against the manifest (rows, sha256) and against /metrics (rows, cost).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { costSum, type Row, readExport } from "./helpers/readback.js";
import { makeTempDir, removeDir, type ServeProcess, startServe, writeConfig } from "./helpers/server.js";

interface Manifest {
  exported_through: string | null;
  files: {
    file: string;
    rows: number;
    cost_usd: number;
    sha256: string;
    min_started_at: string | null;
    period_start: string;
  }[];
}

const HOUR = 3_600_000;
let dir: string;
let exportDir: string;
let config: string;
let server: ServeProcess | undefined;
let n = 0;

function batch(count: number, startedAgoMs: number): Record<string, unknown>[] {
  return Array.from({ length: count }, () => {
    n++;
    return {
      span_id: n.toString(16).padStart(16, "0"),
      model: ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"][n % 3],
      caller: n % 2 ? "checkout" : "search",
      prompt_tokens: 100 + n,
      comp_tokens: 10 + (n % 7),
      cost_usd: Number((0.000123 * n).toFixed(6)),
      latency_ms: 100 + n,
      started_at: new Date(Date.now() - startedAgoMs - n).toISOString(),
      attributes: { note: n % 5 === 0 ? 'comma, "quote"\nline' : "plain" },
    };
  });
}

async function post(spans: Record<string, unknown>[]): Promise<void> {
  const res = await fetch(`${server?.url}/spans`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spans),
  });
  assert.equal(res.status, 202, await res.text());
}

function manifest(): Manifest {
  const file = join(exportDir, "manifest.json");
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Manifest)
    : { exported_through: null, files: [] };
}

async function waitForRows(rows: number): Promise<Manifest> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const m = manifest();
    const total = m.files.reduce((s, f) => s + f.rows, 0);
    if (total === rows) return m;
    assert.ok(total < rows, `manifest lists ${total} rows, more than the ${rows} posted`);
    assert.ok(Date.now() < deadline, `only ${total} of ${rows} rows exported after 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  dir = await makeTempDir();
  exportDir = join(dir, "exports");
  config = await writeConfig(dir, `export:\n  dir: ${exportDir}\n  every: 1s\n  format: parquet\n`);
});

after(async () => {
  await server?.stop();
  await removeDir(dir);
});

test("one Parquet file per period, late spans in a later file, nothing skipped or repeated across a restart", async () => {
  server = await startServe({ dataDir: dir, args: ["--config", config] });
  await post(batch(40, 0));
  await waitForRows(40);
  // Late: started a day ago, after the periods that hold that time were exported.
  await post(batch(15, 24 * HOUR));
  await post(batch(10, 0));
  await waitForRows(65);
  assert.equal((await server.stop()).code, 0);

  server = await startServe({ dataDir: dir, args: ["--config", config] });
  await post(batch(25, 2 * HOUR));
  const m = await waitForRows(90);

  const res = await fetch(`${server.url}/metrics?window=7d`);
  const metrics = (await res.json()) as { span_count: number; cost: { total_usd: number } };
  assert.equal(metrics.span_count, 90);

  const seen = new Set<string>();
  let rows = 0;
  let cost = 0;
  let lateFile = false;
  for (const f of m.files) {
    const path = join(exportDir, f.file);
    const got: Row[] = await readExport(path, "parquet");
    assert.equal(got.length, f.rows, `${f.file}: rows`);
    assert.equal(createHash("sha256").update(readFileSync(path)).digest("hex"), f.sha256, `${f.file}: sha256`);
    assert.ok(Math.abs(costSum(got) - f.cost_usd) < 1e-9, `${f.file}: cost`);
    for (const r of got) {
      assert.ok(!seen.has(r.span_id as string), `span ${r.span_id} exported twice`);
      seen.add(r.span_id as string);
      assert.ok(r.started_at instanceof Date, "started_at is a timestamp");
    }
    if (f.min_started_at !== null && Date.parse(f.min_started_at) < Date.parse(f.period_start) - HOUR) lateFile = true;
    rows += got.length;
    cost += costSum(got);
  }
  assert.equal(rows, metrics.span_count);
  assert.ok(Math.abs(cost - metrics.cost.total_usd) < 1e-9, `files ${cost} USD, /metrics ${metrics.cost.total_usd}`);
  assert.equal(seen.size, 90);
  assert.ok(lateFile, "the late spans are in a file whose period is after their start");

  // Prometheus counters agree too.
  const prom = await (await fetch(`${server.url}/metrics/prometheus`)).text();
  const total = [...prom.matchAll(/^tokentrace_spans_total\{[^}]*\} (\d+)$/gm)].reduce((s, x) => s + Number(x[1]), 0);
  assert.equal(total, 90);
  assert.deepEqual(
    m.files.map((f) => f.file),
    [...m.files.map((f) => f.file)].sort(),
    "files in period order",
  );
});
