// Runs every fenced code example of README.md and docs/*.md, so an example that stops
// working fails the suite. The pages are read when the test runs: a new page is covered.
//
// How a block is checked, by its language:
// - ts, js: written to a file and run with tsx as a script. `import ... from "tokentrace"`
//   is this package (its built dist/, rebuilt first when older than src/). It must exit 0
//   by itself; a block that talks to `localhost:9090` must get at least one span stored.
// - sh, bash: run with bash -e. `npx tokentrace ...` is this package's CLI; curl fails on an
//   HTTP error status. Must exit 0.
// - yaml: a tokentrace.yml (whole, or some of its sections: every section is optional),
//   checked with `tokentrace check-config --config FILE`: must print OK with no warning.
// - text, json, http: output, shapes and HTTP exchanges; not run.
// - anything else (including no language) fails: say what the block is.
// A block that cannot run here (installs packages, starts a server that runs until
// stopped, needs Python or a package tokentrace does not use) has the line
// `<!-- not run: REASON -->` right above its fence; such blocks are reported as skipped,
// with their reasons, and should stay rare.
//
// What the examples run against: `localhost:9090` is rewritten to a real `tokentrace serve`
// started for this test, `127.0.0.1:9090` (an address an example listens on itself) to a free
// port. OPENAI_BASE_URL and ANTHROPIC_BASE_URL point the real client packages at a local fake
// provider that answers every call. The blocks of one page run in order in one scratch
// directory, so a file one block writes is there for the next (a FileTransport's spans.jsonl
// for `tokentrace import`). Set for every block: TOKENTRACE_API_TOKEN, SLACK_WEBHOOK_URL and
// PGPASSWORD (placeholders), OPENAI_API_KEY and ANTHROPIC_API_KEY (fakes).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { answerAnyCall } from "../../src/sdk/testing/any-call.js";
import { type FakeProvider, startFakeProvider } from "../../src/sdk/testing/fake-provider.js";
import { docFiles, parseBlocks } from "./helpers/doc-blocks.js";
import { ensureBuilt, type Ran, rewrite, runConfig, runScript, runShell } from "./helpers/doc-run.js";
import { makeTempDir, REPO_ROOT, removeDir, type ServeProcess, startServe } from "./helpers/server.js";

// Inside the package, so that a script's `import "tokentrace"` resolves to it (gitignored).
const SCRATCH = join(REPO_ROOT, "test-output");

let server: ServeProcess;
let fake: FakeProvider;
let dataDir = "";
let scratch = "";
let env: NodeJS.ProcessEnv = {};
const notRun: string[] = [];

function blockEnv(): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TOKENTRACE_|OPENAI_|ANTHROPIC_|OTEL_|TRACELOOP_)/.test(k) && k !== "DATABASE_URL") out[k] = v;
  }
  return {
    ...out,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_API_KEY: "sk-docs-test",
    ANTHROPIC_BASE_URL: fake.url,
    ANTHROPIC_API_KEY: "sk-ant-docs-test",
    TOKENTRACE_API_TOKEN: "docs-test-token",
    SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T000/B000/docs-test",
    PGPASSWORD: "docs-test",
  };
}

async function spanCount(): Promise<number> {
  return ((await (await fetch(`${server.url}/health`)).json()) as { span_count: number }).span_count;
}

before(async () => {
  ensureBuilt(REPO_ROOT);
  mkdirSync(SCRATCH, { recursive: true });
  scratch = mkdtempSync(join(SCRATCH, "docs-examples-"));
  dataDir = await makeTempDir();
  server = await startServe({ dataDir, readyTimeoutMs: 120_000 });
  fake = await startFakeProvider({ fallback: answerAnyCall });
  env = blockEnv();
});

after(async () => {
  await server?.stop();
  await fake?.close();
  await removeDir(dataDir);
  rmSync(scratch, { recursive: true, force: true });
});

for (const file of docFiles(REPO_ROOT)) {
  test(`examples in ${file}`, async (t) => {
    const dir = mkdtempSync(join(scratch, `${file.replace(/[/.]/g, "-")}-`));
    const host = new URL(server.url).host;
    for (const [i, b] of parseBlocks(REPO_ROOT, file).entries()) {
      const name = `${b.where} ${b.lang || "(no language)"}`;
      if (b.notRun !== null) {
        assert.notEqual(b.notRun, "", `${b.where}: <!-- not run: --> needs a reason`);
        notRun.push(`${b.where}: ${b.notRun}`);
        await t.test(name, { skip: `not run: ${b.notRun}` }, () => {});
        continue;
      }
      if (b.kind === "shape") continue;
      await t.test(name, async () => {
        assert.ok(
          b.kind !== null,
          `${b.where}: a \`\`\`${b.lang} block is not checked; use ts, js, sh, yaml (run) or text, json, http (not run)`,
        );
        const code = rewrite(b.code, host);
        const spansBefore = await spanCount();
        let r: Ran;
        if (b.kind === "script") r = await runScript(REPO_ROOT, code, dir, `block-${i}`, env);
        else if (b.kind === "shell") r = await runShell(REPO_ROOT, code, dir, env);
        else r = await runConfig(REPO_ROOT, code, dir, `block-${i}`, env);
        assert.equal(r.code, 0, `${b.where} exited with ${r.code}:\n${r.out}`);
        if (b.kind === "config") {
          assert.match(r.out, /^OK /, r.out);
          assert.doesNotMatch(r.out, /warning/i, `${b.where}: check-config warns:\n${r.out}`);
        }
        if (b.kind === "script" && b.code.includes("localhost:9090")) {
          const spansAfter = await spanCount();
          assert.ok(spansAfter > spansBefore, `${b.where} ran but stored no span on the server:\n${r.out}`);
        }
      });
    }
  });
}

test("blocks marked not run are listed", (t) => {
  for (const line of notRun) t.diagnostic(line);
  t.diagnostic(`${notRun.length} blocks not run`);
});
