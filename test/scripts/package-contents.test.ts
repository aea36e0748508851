// Test-only code stays out of the published package: tsconfig.build.json leaves out
// *.test.ts and testing/ folders, so every file that uses node:test or node:assert must be one.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const root = new URL("../..", import.meta.url).pathname;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

const isTestCode = (rel: string) => rel.endsWith(".test.ts") || rel.split("/").includes("testing");

test("tsconfig.build.json leaves out tests and testing/ folders", () => {
  const build = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8")) as { exclude: string[] };
  assert.ok(build.exclude.includes("src/**/*.test.ts"));
  assert.ok(build.exclude.includes("src/**/testing/**"));
});

test("only test code uses the test runner or assertions", () => {
  const shipped = walk(join(root, "src"))
    .map((f) => relative(root, f))
    .filter((rel) => !isTestCode(rel))
    .filter((rel) => /from "node:(test|assert)/.test(readFileSync(join(root, rel), "utf8")));
  assert.deepEqual(shipped, []);
});
