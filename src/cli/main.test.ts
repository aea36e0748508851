// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config syntax under test, not a template
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, test } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/cli/main.ts");
const dir = mkdtempSync(join(tmpdir(), "tokentrace-cli-"));
const children = new Set<ChildProcess>();

after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith("TOKENTRACE_") && k !== "DATABASE_URL") env[k] = v;
  }
  return { ...env, ...extra };
}

interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], { cwd: ROOT, env: cleanEnv(env) });
  children.add(child);
  const p: Proc = { child, stdout: "", stderr: "", exited: Promise.resolve(null) };
  child.stdout?.on("data", (d: Buffer) => {
    p.stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    p.stderr += d.toString();
  });
  p.exited = new Promise((res) => child.on("exit", (code) => res(code)));
  return p;
}

async function run(args: string[], env: Record<string, string> = {}) {
  const p = start(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** Resolves with the URL from the one stdout line `tokentrace listening on URL`. */
function listening(p: Proc): Promise<string> {
  return new Promise((res, rej) => {
    const check = () => {
      const m = /^tokentrace listening on (http:\/\/\S+)\n/m.exec(p.stdout);
      if (m) res(m[1]);
    };
    p.child.stdout?.on("data", check);
    p.child.on("exit", (code) => rej(new Error(`serve exited ${code} before listening: ${p.stderr}`)));
    check();
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("tokentrace --help / --version", () => {
  test("version and help", async () => {
    const v = await run(["--version"]);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^tokentrace \d+\.\d+\.\d+\n$/);
    const h = await run(["--help"]);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /serve/);
    assert.match(h.stdout, /check-config/);
    const bad = await run(["frobnicate"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown command "frobnicate"/);
  });
});

describe("tokentrace check-config", () => {
  test("prints OK and a summary reflecting file and environment", async () => {
    const cfg = file("ok.yml", 'service: billing\nhttp_server:\n  auth_token: "${TOKEN}"\nretention: 7d\n');
    const r = await run(["check-config", "--config", cfg], { TOKEN: "t0k", TOKENTRACE_ADDR: "127.0.0.1:7777" });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split("\n")[0], `OK ${cfg}`);
    assert.match(r.stdout, /service: +billing/);
    assert.match(r.stdout, /http_server: +127\.0\.0\.1:7777, auth on/);
    assert.match(r.stdout, /retention: +7d/);
  });

  test("lists every problem with file:line:col and exits 1", async () => {
    const cfg = file("bad.yml", "http_server:\n  max_batch_size: -5\nstorage:\n  drvier: duckdb\nretention: soon\n");
    const r = await run(["check-config", "--config", cfg]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      [
        "invalid configuration (3 problems):",
        `  ${cfg}:2:19: http_server.max_batch_size: must be an integer >= 1`,
        `  ${cfg}:4:3: storage.drvier: unknown key; did you mean "driver"?`,
        `  ${cfg}:5:12: retention: must be a duration such as "30s", "90m", "1h30m" or "30d", at most 10y`,
        "",
      ].join("\n"),
    );
  });

  test("a missing --config file is an error", async () => {
    const r = await run(["check-config", "--config", join(dir, "nope.yml")]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nope\.yml: cannot read config file: file not found/);
  });
});

describe("tokentrace serve", () => {
  const empty = file("empty.yml", "");
  const span = {
    trace_id: "7f3a1c2b-e4d5-4f6a-8b9c-0d1e2f3a4b5c",
    name: "summarize-document",
    model: "gpt-4o",
    prompt_tokens: 512,
    comp_tokens: 128,
    cost_usd: 0.00448,
    latency_ms: 1240,
  };

  test("listens, ingests, and on SIGTERM commits and exits 0; spans survive a restart", async () => {
    const db = join(dir, "spans.duckdb");
    const args = [
      "serve",
      "--config",
      empty,
      "--addr",
      "127.0.0.1:0",
      "--storage-driver",
      "duckdb",
      "--storage-path",
      db,
    ];
    const first = start(args);
    const url = await listening(first);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const post = await fetch(`${url}/spans`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([span]),
    });
    assert.equal(post.status, 202);
    assert.deepEqual(await post.json(), { accepted: 1 });
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0, first.stderr);
    assert.equal(first.stdout, `tokentrace listening on ${url}\n`, "exactly one stdout line");

    const second = start(args);
    const url2 = await listening(second);
    const trace = await fetch(`${url2}/traces/${span.trace_id}`);
    assert.equal(trace.status, 200);
    const body = (await trace.json()) as { span_count: number; total_cost_usd: number };
    assert.equal(body.span_count, 1);
    assert.equal(body.total_cost_usd, 0.00448);
    second.child.kill("SIGINT");
    assert.equal(await second.exited, 0, second.stderr);
  });

  test("a port in use is a one-line error and exit 1", async () => {
    const blocker = createServer();
    await new Promise<void>((res) => blocker.listen(0, "127.0.0.1", res));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await run(["serve", "--config", empty, "--addr", `127.0.0.1:${port}`, "--storage-driver", "memory"]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: address already in use`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    } finally {
      await new Promise((res) => blocker.close(res));
    }
  });

  test("a bad config is listed and exits 1 without listening", async () => {
    const r = await run(["serve", "--config", empty, "--addr", "nowhere", "--storage-driver", "sqlite"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /flag --addr http_server\.addr|flag --addr: http_server\.addr: must be host:port/);
    assert.match(r.stderr, /flag --storage-driver: storage\.driver: must be one of duckdb, postgres, memory/);
  });
});
