// FileTransport output imported into a real `tokentrace serve` with the CLI: every span
// once, a rerun sends only what was appended, and an import that failed with the server
// down resumes without duplicates once it is back.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createTracer, FileTransport } from "../../src/index.js";
import { runCli, tempServeDir } from "./helpers/server.js";

const cli = (args: string[]) => runCli(args);

async function writeSpans(path: string, n: number, from: number): Promise<string> {
  const tracer = createTracer({ service: "batch-job", transport: new FileTransport({ path }) });
  const id = await tracer.trace("nightly", async (trace) => {
    for (let i = from; i < from + n; i++)
      tracer.recordLLMCall({ model: "gpt-4o-mini", prompt_tokens: 1000, comp_tokens: i });
    return trace.ID();
  });
  await tracer.shutdown();
  return id;
}

async function spanCount(url: string): Promise<number> {
  return ((await (await fetch(`${url}/health`)).json()) as { span_count: number }).span_count;
}

test("tokentrace import: exactly once, incremental, resumable", async (t) => {
  const { dir, start } = await tempServeDir(t);
  const file = join(dir, "spans.jsonl");
  const traceId = await writeSpans(file, 2500, 0);

  // Server down: the import fails with nothing imported (so no talk of resuming), exits 1.
  const down = await cli(["import", file, "--url", "http://127.0.0.1:9", "--max-attempts", "1"]);
  assert.equal(down.code, 1, down.stderr);
  assert.match(
    down.stderr,
    /cannot reach http:\/\/127\.0\.0\.1:9\/spans \(.+\) after 1 attempt: start the server or fix --url, then run the import again\n$/,
  );

  const server = await start();
  const first = await cli(["import", file, "--url", server.url, "--batch-size", "1000"]);
  assert.equal(first.code, 0, first.stderr);
  // 2500 calls and the trace around them, a grouping span (no model) sent to /v1/traces
  assert.match(first.stdout, /imported 2501 spans/);
  assert.match(first.stderr, /100% 2,501 spans/); // progress lines (stderr is not a terminal here)
  assert.equal(await spanCount(server.url), 2501);
  const trace = (await (await fetch(`${server.url}/traces/${traceId}`)).json()) as {
    name: string;
    span_count: number;
    spans: Array<{ span_id: string; parent_span_id: string | null; model: string | null }>;
  };
  assert.equal(trace.span_count, 2501);
  assert.equal(trace.name, "nightly");
  const roots = trace.spans.filter((s) => s.parent_span_id === null);
  assert.equal(roots.length, 1);
  assert.equal(roots[0].model, null);
  assert.ok(trace.spans.every((s) => s.parent_span_id === null || s.parent_span_id === roots[0].span_id));

  const again = await cli(["import", file, "--url", server.url]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /imported 0 spans/);
  await writeSpans(file, 10, 2500);
  const more = await cli(["import", file, "--url", server.url]);
  assert.match(more.stdout, /imported 11 spans/);
  assert.equal(await spanCount(server.url), 2512);
});
