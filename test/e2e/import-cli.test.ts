// `tokentrace import` as a user runs it (the real CLI in a child process) against a real
// `tokentrace serve` that requires a token: every failure is one line saying what happened
// and what to do, resuming is mentioned only when spans are already imported, and progress
// on a pipe is one line per tenth with a single 100%.
import assert from "node:assert/strict";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { makeTempDir, removeDir, runCli, type ServeProcess, startServe } from "./helpers/server.js";

const TOKEN = "import-test-token";

let dir = "";
let server: ServeProcess;

before(async () => {
  dir = await makeTempDir("tokentrace-import-cli-");
  server = await startServe({ args: ["--storage-driver", "memory"], env: { TOKENTRACE_API_TOKEN: TOKEN } });
});
after(async () => {
  await server?.stop();
  await removeDir(dir);
});

/** Runs `tokentrace import ...` in dir, without the developer's TOKENTRACE_* settings. */
const cli = (args: string[]) => runCli(["import", ...args], { cwd: dir });

let nextId = 0;
function spanLines(n: number): string[] {
  return Array.from({ length: n }, () => {
    const id = String(++nextId).padStart(12, "0");
    return JSON.stringify({
      model: "gpt-4o",
      prompt_tokens: 10,
      comp_tokens: 1,
      span_id: `00000000-0000-4000-8000-${id}`,
    });
  });
}

function writeSpans(name: string, lines: string[]): string {
  writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return name;
}

async function spanCount(): Promise<number> {
  const res = await fetch(`${server.url}/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { span_count: number }).span_count;
}

/** Asserts stderr is exactly one line and returns it. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, stderr);
  return lines[0];
}

const withToken = (file: string, ...extra: string[]) => [
  file,
  "--url",
  server.url,
  "--token",
  TOKEN,
  "--no-progress",
  ...extra,
];

test("a missing file: one line, nothing about progress or resuming", async () => {
  const r = await cli(["spans.jsonl", "--url", server.url]);
  assert.equal(r.code, 1);
  assert.equal(oneLine(r.stderr), "tokentrace import: cannot read spans.jsonl: no such file (check the path)");
  assert.equal(existsSync(join(dir, "spans.jsonl.tokentrace-import")), false);
});

test("no FILE, two FILEs, a bad --batch-size: one precise line each, exit 2", async () => {
  const none = await cli(["--url", server.url]);
  assert.equal(none.code, 2);
  assert.match(oneLine(none.stderr), /^tokentrace import: no FILE given: name the \.jsonl file to send/);
  assert.doesNotMatch(none.stderr, /batch-size|max-attempts/);
  const two = await cli(["a.jsonl", "b.jsonl"]);
  assert.equal(two.code, 2);
  assert.match(oneLine(two.stderr), /one FILE at a time, got 2: a\.jsonl b\.jsonl/);
  const batch = await cli(["a.jsonl", "--batch-size", "0"]);
  assert.equal(batch.code, 2);
  assert.match(oneLine(batch.stderr), /--batch-size must be an integer from 1 to 100000, got "0"/);
});

test("a 401 says to pass --token, not to resume; with the token the import then runs", async () => {
  const file = writeSpans("auth.jsonl", spanLines(25));
  const before = await spanCount();
  const none = await cli([file, "--url", server.url, "--no-progress"]);
  assert.equal(none.code, 1);
  assert.match(
    oneLine(none.stderr),
    /^tokentrace import: the server needs a token \(HTTP 401: missing Authorization: Bearer <token> header\): pass --token TOKEN or set TOKENTRACE_API_TOKEN .*, then run the import again$/,
  );
  const wrong = await cli([file, "--url", server.url, "--token", "nope", "--no-progress"]);
  assert.equal(wrong.code, 1);
  assert.match(oneLine(wrong.stderr), /the server refused the token \(HTTP 401: invalid bearer token\): pass --token/);
  assert.doesNotMatch(none.stderr + wrong.stderr, /resume|saved/);

  const ok = await cli(withToken(file, "--batch-size", "10"));
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /imported 25 spans/);
  assert.equal(await spanCount(), before + 25);

  // spans already in: now a 401 also says where the import will resume
  appendFileSync(join(dir, file), `${spanLines(5).join("\n")}\n`);
  const later = await cli([file, "--url", server.url, "--no-progress"]);
  assert.equal(later.code, 1);
  assert.match(
    oneLine(later.stderr),
    /pass --token .*, then run the import again: it resumes after the 25 spans already imported \(progress is saved in auth\.jsonl\.tokentrace-import\)$/,
  );
});

test("a bad JSON line is named file:line; the import resumes after it is fixed", async () => {
  const lines = spanLines(60);
  const good42 = lines[41];
  lines[41] = '{"model": "gpt-4o", "prompt_tokens": 3,';
  const file = writeSpans("bad.jsonl", lines);
  const before = await spanCount();
  const r = await cli(withToken(file, "--batch-size", "10"));
  assert.equal(r.code, 1);
  assert.match(
    oneLine(r.stderr),
    /^tokentrace import: bad\.jsonl:42: not valid JSON \(.+\): fix or delete that line, then run the import again: it resumes after the 40 spans already imported \(progress is saved in bad\.jsonl\.tokentrace-import\)$/,
  );
  assert.equal(await spanCount(), before + 40);

  lines[41] = good42;
  writeSpans(file, lines);
  const again = await cli(withToken(file, "--batch-size", "10"));
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /imported 20 spans .*; 60 in total/);
  assert.equal(await spanCount(), before + 60);
});

test("a bad line in the first batch: nothing was imported, so no word of resuming", async () => {
  const lines = spanLines(5);
  lines[2] = "not json";
  const file = writeSpans("first.jsonl", lines);
  const r = await cli(withToken(file));
  assert.equal(r.code, 1);
  assert.match(
    oneLine(r.stderr),
    /^tokentrace import: first\.jsonl:3: not valid JSON \(.+\): fix or delete that line, then run the import again$/,
  );
});

test("a span the server refuses is named file:line", async () => {
  const lines = spanLines(12);
  lines[10] = JSON.stringify({ model: "gpt-4o", prompt_tokens: -1 });
  const file = writeSpans("refused.jsonl", lines);
  const r = await cli(withToken(file, "--batch-size", "5"));
  assert.equal(r.code, 1);
  assert.match(
    oneLine(r.stderr),
    /^tokentrace import: refused\.jsonl:11: prompt_tokens: .+ \(refused by the server, HTTP 400\): fix or delete that line, then run the import again: it resumes after the 10 spans/,
  );
});

test("a grouping span (no model) goes to /v1/traces; one the server refuses is named file:line too", async () => {
  const group = (spanId: string) =>
    JSON.stringify({
      trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c",
      span_id: spanId,
      parent_span_id: null,
      name: "nightly",
      prompt_tokens: 0,
      comp_tokens: 0,
      total_tokens: 0,
      latency_ms: 12.5,
      status: "ok",
      started_at: new Date().toISOString(),
      ended_at: new Date().toISOString(),
      attributes: { workflow: "batch" },
    });
  const before = await spanCount();
  const good = writeSpans("groups.jsonl", [...spanLines(2), group("00f067aa0ba902b7")]);
  const ok = await cli(withToken(good));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(await spanCount(), before + 3);
  const res = await fetch(`${server.url}/traces/7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const trace = (await res.json()) as { name: string; spans: Array<{ model: string | null; attributes: object }> };
  assert.equal(trace.name, "nightly");
  assert.deepEqual(trace.spans[0].attributes, { workflow: "batch" });

  const bad = writeSpans("bad-group.jsonl", [...spanLines(1), group("not-hex")]);
  const r = await cli(withToken(bad));
  assert.equal(r.code, 1);
  assert.match(
    oneLine(r.stderr),
    /^tokentrace import: bad-group\.jsonl:2: spanId must be 8 bytes .+ \(refused by the server\): fix or delete that line/,
  );
});

test("progress on a pipe: one line per tenth and a single 100% line", async () => {
  const file = writeSpans("progress.jsonl", spanLines(100));
  const r = await cli([file, "--url", server.url, "--token", TOKEN, "--batch-size", "3"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.ok(
    lines.every((l) => /^import: \d+% [\d,]+ spans /.test(l)),
    r.stderr,
  );
  const pcts = lines.map((l) => Number(/^import: (\d+)%/.exec(l)?.[1]));
  // 34 batches of about 3% each cross every tenth once
  assert.deepEqual(
    pcts.map((p) => Math.floor(p / 10)),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(pcts.filter((p) => p === 100).length, 1);
  assert.match(lines.at(-1) ?? "", /^import: 100% 100 spans /);
  assert.equal(JSON.parse(readFileSync(join(dir, `${file}.tokentrace-import`), "utf8")).spans, 100);
});
