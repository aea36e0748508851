// Fails when an import in src/ goes up a floor (docs/architecture.md): a folder may import
// its own files and the floors below it, never a floor above. Shipped code also never
// imports test code (*.test.ts, testing/), which stays out of the published package.
// Usage: node scripts/check-imports.mjs [root]   (prints each wrong import; exit 1 if any)
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Floor of each top-level part of src/, highest first. A part may import parts of a lower floor. */
export const FLOORS = {
  "index.ts": 9,
  cli: 9,
  server: 8,
  ingest: 7,
  otlp: 7,
  traces: 7,
  alerts: 7,
  dashboard: 7,
  sdk: 7,
  demo: 7,
  export: 7,
  // POST/DELETE/GET /scores and their group commit
  scoring: 7,
  // GET /sessions, /sessions/{id}, /users
  sessions: 7,
  metrics: 6,
  store: 5,
  // prompt and completion content: shapes, redaction, capping; stores keep it, it reads spans
  content: 4.5,
  // the score record and its validation, shared by SDK and server; stores keep it, it reads span ids
  score: 4.5,
  span: 4,
  pricing: 3,
  stats: 2,
  config: 1,
  "errors.ts": 0,
  util: 0,
  // the span's fields, written once: pure data that config/ reads too
  schema: 0,
};

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Import specifiers of a file's text: static imports, re-exports and literal dynamic imports. */
export function importsOf(text) {
  const out = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2]);
  return out;
}

const isTest = (rel) => rel.endsWith(".test.ts") || rel.split("/").includes("testing");
const partOf = (rel) => rel.split("/")[0];

/**
 * The wrong imports of one file, given its path and the imported path (both relative to src/).
 * Test files may import any floor: they drive the whole app.
 */
export function checkImport(from, to) {
  if (isTest(from)) return null;
  if (isTest(to)) return `${from} imports test code ${to}`;
  const a = partOf(from);
  const b = partOf(to);
  if (a === b) return null;
  const fa = FLOORS[a];
  const fb = FLOORS[b];
  if (fa === undefined) return `${from}: src/${a} has no floor in scripts/check-imports.mjs`;
  if (fb === undefined) return `${from} imports ${to}: src/${b} has no floor in scripts/check-imports.mjs`;
  if (fb >= fa) return `${from} (floor ${fa}) imports ${to} (floor ${fb}): imports only go down`;
  return null;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "static" ? [] : walk(p);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every wrong import under root/src. */
export function checkTree(root) {
  const src = resolve(root, "src");
  const problems = [];
  for (const file of walk(src)) {
    const from = relative(src, file).split(sep).join("/");
    for (const spec of importsOf(readFileSync(file, "utf8"))) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      const to = relative(src, target).split(sep).join("/");
      if (to.startsWith("..")) {
        problems.push(`${from} imports ${spec}, outside src/`);
        continue;
      }
      const problem = checkImport(from, to);
      if (problem !== null) problems.push(problem);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkTree(process.argv[2] ?? ".");
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`${problems.length} import(s) go the wrong way; see docs/architecture.md`);
    process.exit(1);
  }
}
