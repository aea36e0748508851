// Runs one docs example as a user would: TypeScript through tsx, shell through bash with
// `npx tokentrace` being this package's CLI, YAML through `tokentrace check-config`.
// Conventions: test/e2e/docs-examples.test.ts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface Ran {
  code: number | null;
  out: string;
}

// The machine running the suite can be slow; an example that hangs fails at this point.
const BLOCK_TIMEOUT_MS = 120_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Examples import "tokentrace" as users do, which resolves (package self-reference) to the
 * built dist/: `npm ci` builds it; a dist older than src/ is rebuilt here first.
 */
export function ensureBuilt(root: string): void {
  const entry = join(root, "dist", "index.js");
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(root, "src"))) return;
  const r = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
}

/**
 * `localhost:9090` in an example is the tokentrace server: the test's own. `127.0.0.1:9090`
 * is an address the example listens on itself: it gets a free port.
 */
export function rewrite(code: string, server: string): string {
  return code.replaceAll("localhost:9090", server).replaceAll("127.0.0.1:9090", "127.0.0.1:0");
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    const guard = setTimeout(() => {
      out += `\n[docs test: killed after ${BLOCK_TIMEOUT_MS} ms]`;
      child.kill("SIGKILL");
    }, BLOCK_TIMEOUT_MS);
    child.on("exit", (code) => {
      clearTimeout(guard);
      resolve({ code, out });
    });
  });
}

/** A ts/js block as a script file in `dir` (inside the package, so "tokentrace" resolves to it). */
export function runScript(root: string, code: string, dir: string, name: string, env: NodeJS.ProcessEnv) {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
  return run(process.execPath, ["--import", tsx, file], dir, env);
}

/** A sh block with bash -e; `npx tokentrace` is the built CLI, curl fails on HTTP errors. */
export function runShell(root: string, code: string, dir: string, env: NodeJS.ProcessEnv) {
  const cli = join(root, "dist", "cli", "main.js");
  const prelude = [
    "set -eo pipefail",
    `npx() { if [ "$1" = tokentrace ]; then shift; ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"; else echo "docs test: npx $1 is not available" >&2; return 127; fi; }`,
    'curl() { command curl --fail-with-body --show-error "$@"; }',
  ].join("\n");
  return run("bash", ["-c", `${prelude}\n${code}`], dir, env);
}

/** A yaml block as a config file, checked with `tokentrace check-config --config FILE`. */
export function runConfig(root: string, code: string, dir: string, name: string, env: NodeJS.ProcessEnv) {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, code);
  return run(process.execPath, [join(root, "dist", "cli", "main.js"), "check-config", "--config", file], dir, env);
}
