// Finds the fenced code blocks of the user docs (README.md and docs/*.md) and says how
// each is checked; the conventions are described in test/e2e/docs-examples.test.ts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export type BlockKind = "script" | "shell" | "config" | "shape";

export interface DocBlock {
  /** "docs/sdk.md:21", for messages. */
  where: string;
  file: string;
  line: number;
  lang: string;
  code: string;
  kind: BlockKind | null;
  /** The reason given by a `<!-- not run: REASON -->` line right above the fence. */
  notRun: string | null;
}

const KINDS: Record<string, BlockKind> = {
  ts: "script",
  typescript: "script",
  js: "script",
  javascript: "script",
  sh: "shell",
  bash: "shell",
  shell: "shell",
  yaml: "config",
  yml: "config",
  text: "shape",
  json: "shape",
  http: "shape",
};

const NOT_RUN = /^<!--\s*not run:\s*(.*?)\s*-->$/;

/** README.md and every docs/*.md, read now (so pages added later are covered). */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs", f));
  return ["README.md", ...docs];
}

/** The fenced blocks of one Markdown file, in order; throws on a fence that is never closed. */
export function parseBlocks(root: string, file: string): DocBlock[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```\s*([^\s`]*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code fence is never closed`);
    const lang = open[1].toLowerCase();
    const marker = i > 0 ? NOT_RUN.exec(lines[i - 1].trim()) : null;
    out.push({
      where: `${file}:${i + 1}`,
      file,
      line: i + 1,
      lang,
      code: `${lines.slice(i + 1, end).join("\n")}\n`,
      kind: KINDS[lang] ?? null,
      notRun: marker === null ? null : marker[1],
    });
    i = end;
  }
  return out;
}
