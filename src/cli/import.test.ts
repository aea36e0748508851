import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { runImport } from "./import.js";
import { batchKey } from "./import-file.js";
import { importProgress } from "./progress.js";

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
  assert.match(
    errors.join("\n"),
    /spans\.jsonl:14: model: required \(refused by the server, HTTP 400\): fix or delete that line/,
  );
  assert.match(errors.join("\n"), /it resumes after the 10 spans already imported/);
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

describe("progress", () => {
  const lines = (tty: boolean, total: number, start: number, steps: number[]) => {
    const out: string[] = [];
    const p = importProgress({ enabled: true, total, start, tty, write: (t) => out.push(t), now: () => 0 });
    for (const done of steps) p(done, done);
    p(steps.at(-1) ?? start, steps.at(-1) ?? 0, true);
    return out;
  };
  const pcts = (out: string[]) => out.map((l) => Number(/^import: (\d+)%/.exec(l)?.[1]));

  test("not a terminal: one line per tenth, 100% once (also when the last batch reaches the end)", () => {
    const steps = Array.from({ length: 34 }, (_, i) => Math.min(100, 3 * (i + 1)));
    const out = lines(false, 100, 0, steps);
    assert.deepEqual(pcts(out), [12, 21, 30, 42, 51, 60, 72, 81, 90, 100]);
    assert.ok(out.every((l) => l.endsWith("\n") && !l.includes("\r")));
  });

  test("not a terminal: big batches print only the tenths they reach; a resumed import skips the tenths done", () => {
    assert.deepEqual(pcts(lines(false, 1000, 0, [400, 800, 1000])), [40, 80, 100]);
    assert.deepEqual(pcts(lines(false, 100, 45, [55, 65, 100])), [55, 65, 100]);
    assert.deepEqual(pcts(lines(false, 0, 0, [])), [100]);
  });

  test("a terminal: the bar redrawn after every batch, a newline at the end", () => {
    const out = lines(true, 100, 0, [50, 100]);
    assert.equal(out.length, 3);
    assert.ok(out.every((l) => l.startsWith("\r[")));
    assert.match(out[0], /^\r\[#{15}-{15}\] 50% /);
    assert.match(out[2], /^\r\[#{30}\] 100% .*\n$/);
  });

  test("--no-progress: nothing", () => {
    const out: string[] = [];
    const p = importProgress({
      enabled: false,
      total: 10,
      start: 0,
      tty: false,
      write: (t) => out.push(t),
      now: () => 0,
    });
    p(5, 5);
    p(10, 10, true);
    assert.deepEqual(out, []);
  });
});
