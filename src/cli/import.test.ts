import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { batchKey, runImport } from "./import.js";

// A collector with POST /spans semantics that matter here: Idempotency-Key dedup, 202.
/** Runs a scripted reply and reports it as handled. */
function answer(_res: ServerResponse, reply: () => void): boolean {
  reply();
  return true;
}

let url = "";
const stored: Array<Record<string, unknown>> = [];
const keys = new Set<string>();
let script: Array<(res: ServerResponse, commit: () => void) => boolean> = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const spans = JSON.parse(Buffer.concat(chunks).toString()) as Array<Record<string, unknown>>;
    const key = String(req.headers["idempotency-key"]);
    const commit = () => {
      if (keys.has(key)) return;
      keys.add(key);
      stored.push(...spans);
    };
    if (script.shift()?.(res, commit)) return;
    commit();
    res.writeHead(202).end(JSON.stringify({ accepted: spans.length }));
  });
});
const dir = mkdtempSync(join(tmpdir(), "tokentrace-import-"));
const file = join(dir, "spans.jsonl");

function line(i: number): string {
  return `${JSON.stringify({ model: "gpt-4o", prompt_tokens: i, comp_tokens: 1, span_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` })}\n`;
}

before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  server.close();
});
beforeEach(() => {
  stored.length = 0;
  keys.clear();
  script = [];
  rmSync(`${file}.tokentrace-import`, { force: true });
  writeFileSync(file, Array.from({ length: 25 }, (_, i) => line(i)).join(""));
});

const ids = () => stored.map((s) => s.prompt_tokens);
const run = (...extra: string[]) => runImport([file, "--url", url, "--batch-size", "10", "--no-progress", ...extra]);

test("imports every line once; a rerun sends only what was appended since", async () => {
  assert.equal(await run(), 0);
  assert.deepEqual(
    ids(),
    Array.from({ length: 25 }, (_, i) => i),
  );
  appendFileSync(file, line(25) + line(26));
  assert.equal(await run(), 0);
  assert.equal(stored.length, 27);
  assert.equal(JSON.parse(readFileSync(`${file}.tokentrace-import`, "utf8")).spans, 27);
});

test("a failure stops the import; running again resumes without duplicates", async () => {
  script = [() => false, (res) => answer(res, () => res.writeHead(400).end('{"error":"spans[3].model: required"}'))];
  const errors: string[] = [];
  const orig = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assert.equal(await run(), 1);
  } finally {
    console.error = orig;
  }
  assert.match(errors.join("\n"), /line 14\.model: required/);
  assert.equal(stored.length, 10);
  assert.equal(await run(), 0);
  assert.deepEqual(
    ids(),
    Array.from({ length: 25 }, (_, i) => i),
  );
});

test("a lost response is retried with the same key and stored once", async () => {
  script = [
    (res, commit) => {
      commit();
      res.destroy();
      return true;
    },
    (res) => answer(res, () => res.writeHead(503, { "retry-after": "0" }).end()),
  ];
  assert.equal(await run(), 0);
  assert.deepEqual(
    ids(),
    Array.from({ length: 25 }, (_, i) => i),
  );
});

test("a crash after the server committed but before the checkpoint: the pending batch is resent as is", async () => {
  assert.equal(await run(), 0);
  const cp = JSON.parse(readFileSync(`${file}.tokentrace-import`, "utf8"));
  const secondStart = line(0).length * 10;
  const secondEnd = secondStart + Array.from({ length: 10 }, (_, i) => line(10 + i)).join("").length;
  // The state a crash between the 202 and the checkpoint write leaves behind.
  writeFileSync(
    `${file}.tokentrace-import`,
    JSON.stringify({
      ...cp,
      offset: secondStart,
      spans: 10,
      pending: { start: secondStart, end: secondEnd, lines: 10 },
    }),
  );
  assert.ok(keys.has(batchKey(cp.identity, secondStart, secondEnd)));
  assert.equal(await run(), 0);
  assert.equal(stored.length, 25);
});

test("bad arguments are exit code 2", async () => {
  const orig = console.error;
  console.error = () => {};
  try {
    assert.equal(await runImport([]), 2);
    assert.equal(await runImport([file, "--batch-size", "0"]), 2);
    assert.equal(await runImport([file, "--url", "not a url"]), 2);
  } finally {
    console.error = orig;
  }
});
