// The floor check of docs/architecture.md: the real tree passes, and an import that goes up
// a floor, into test code or into a folder with no floor fails with a message naming it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";

const script = new URL("../../scripts/check-imports.mjs", import.meta.url).pathname;
const root = new URL("../..", import.meta.url).pathname;

function check(dir: string) {
  const r = spawnSync(process.execPath, [script, dir], { encoding: "utf8" });
  return { code: r.status, out: r.stderr };
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tokentrace-imports-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test("every import in src/ goes down a floor", () => {
  const r = check(root);
  assert.equal(r.out, "");
  assert.equal(r.code, 0);
});

test("an upward import, an import of test code and a folder without a floor each fail", (t) => {
  const dir = tree({
    "src/errors.ts": "export const E = 1;\n",
    "src/server/app.ts": 'import { E } from "../errors.js";\nexport const app = E;\n',
    "src/metrics/query.ts": 'import { app } from "../server/app.js";\nexport const q = app;\n',
    "src/store/index.ts": 'export { fake } from "./testing/fake-store.js";\n',
    "src/store/testing/fake-store.ts": 'import { q } from "../../metrics/query.js";\nexport const fake = q;\n',
    "src/ingest/routes.ts": 'const m = await import("../newfolder/x.js");\nexport default m;\n',
    "src/ingest/routes.test.ts": 'import { app } from "../server/app.js";\nexport default app;\n',
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = check(dir);
  assert.equal(r.code, 1);
  const lines = r.out.trim().split("\n");
  assert.deepEqual(lines.slice(0, -1).sort(), [
    "ingest/routes.ts imports newfolder/x.ts: src/newfolder has no floor in scripts/check-imports.mjs",
    "metrics/query.ts (floor 6) imports server/app.ts (floor 8): imports only go down",
    "store/index.ts imports test code store/testing/fake-store.ts",
  ]);
  assert.match(lines.at(-1) ?? "", /^3 import\(s\) go the wrong way/);
});
