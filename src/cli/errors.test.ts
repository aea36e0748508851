// Command-line mistakes and start-up failures are one line that says what happened and what
// to do: a mistyped flag names the flag meant, a storage path that cannot be created names the
// path and the fix (not "ports below 1024" or a raw EEXIST ... mkdir).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { DEFAULT_CONFIG } from "../config/types.js";
import { nearestFlag } from "./args.js";
import { describeStartupError } from "./startup-error.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
// absolute: the child runs in a temp dir, where "tsx" would not resolve
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const dir = mkdtempSync(join(tmpdir(), "tokentrace-cli-errors-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("TOKENTRACE_") && k !== "DATABASE_URL") env[k] = v;
  }
  const child = spawn(process.execPath, ["--import", TSX, MAIN, ...args], { cwd: dir, env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((res) => child.on("close", (code) => res({ code, stdout, stderr })));
}

const lines = (s: string) => s.trimEnd().split("\n");

describe("unknown flags: one line and the flag meant", () => {
  test("serve --port says did you mean --addr, exit 2", async () => {
    const r = await run(["serve", "--port", "9090"]);
    assert.equal(r.code, 2);
    assert.deepEqual(lines(r.stderr), [
      "tokentrace serve: unknown option --port; did you mean --addr? (run tokentrace serve --help for every option)",
    ]);
  });

  test("check-config --confg says did you mean --config", async () => {
    const r = await run(["check-config", "--confg", "x.yml"]);
    assert.equal(r.code, 2);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /unknown option --confg; did you mean --config\?/);
  });

  test("import and demo: one line and the flag meant, exit 2", async () => {
    const cases: Array<[string[], string]> = [
      [["import", "spans.jsonl", "--tokn", "x"], "tokentrace import: unknown option --tokn; did you mean --token?"],
      [
        ["import", "spans.jsonl", "--server", "http://x"],
        "tokentrace import: unknown option --server; did you mean --url?",
      ],
      [
        ["import", "spans.jsonl", "--batch", "5"],
        "tokentrace import: unknown option --batch; did you mean --batch-size?",
      ],
      [["demo", "--dys", "3"], "tokentrace demo: unknown option --dys; did you mean --days?"],
      [["demo", "--db", "postgres://x"], "tokentrace demo: unknown option --db; did you mean --storage-url?"],
    ];
    for (const [args, start] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(lines(r.stderr).length, 1, r.stderr);
      assert.ok(r.stderr.startsWith(`${start} (run tokentrace ${args[0]} --help for every option)`), r.stderr);
    }
  });

  test("nearest flag: synonyms, typos, nothing when nothing is close", () => {
    const serve = ["config", "addr", "storage-driver", "storage-path", "storage-url", "demo", "help"];
    assert.equal(nearestFlag("--port", serve), "addr");
    assert.equal(nearestFlag("--database-url=postgres://x", serve), "storage-url");
    assert.equal(nearestFlag("--storage-pth", serve), "storage-path");
    assert.equal(nearestFlag("--adr", serve), "addr");
    assert.equal(nearestFlag("--zzzzzzzz", serve), null);
    // a synonym with several meanings takes the one the command has
    assert.equal(nearestFlag("--host", serve), "addr");
    assert.equal(nearestFlag("--host", ["url", "token"]), "url");
  });
});

describe("a storage path that cannot be created", () => {
  test("under a regular file: one line naming the path and the fix, exit 1", async () => {
    const file = join(dir, "not-a-dir");
    writeFileSync(file, "x");
    const r = await run(["serve", "--addr", "127.0.0.1:0", "--storage-path", join(file, "db", "spans.duckdb")]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /cannot create the store .*not-a-dir.* is not a directory .*--storage-path/);
    assert.doesNotMatch(r.stderr, /EEXIST|ENOTDIR|mkdir/);
  });

  test("EACCES on the storage directory is a permission problem of that path, not of the port", () => {
    // real errors as fs.mkdirSync and net.Server#listen throw them (root may create anything, so built by hand)
    const mkdir = Object.assign(new Error("EACCES: permission denied, mkdir '/srv/data'"), {
      code: "EACCES",
      syscall: "mkdir",
      path: "/srv/data",
    });
    const config = { ...DEFAULT_CONFIG, storage: { ...DEFAULT_CONFIG.storage, path: "/srv/data/spans.duckdb" } };
    const line = describeStartupError(mkdir, config);
    assert.match(line, /^cannot create the store \/srv\/data\/spans\.duckdb: permission denied on \/srv\/data; /);
    assert.doesNotMatch(line, /listen|ports below 1024/);
    const listen = Object.assign(new Error("listen EACCES: permission denied 0.0.0.0:80"), {
      code: "EACCES",
      syscall: "listen",
    });
    assert.match(describeStartupError(listen, config), /cannot listen on .*ports below 1024 need privileges/);
  });

  test("a real ENOTDIR from mkdir reads the same", () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "x");
    let err: unknown;
    try {
      mkdirSync(join(file, "sub"), { recursive: true });
    } catch (e) {
      err = e;
    }
    assert.ok(err);
    assert.match(describeStartupError(err, DEFAULT_CONFIG), /is not a directory \(a file of that name is in the way\)/);
  });
});
