// The CLI as users run it: plain JavaScript, no tsx. Under tsx the DuckDB store worker boots
// through tsx's loader hooks (an extra thread), which changes how the process tears down, so a
// test about exiting must run compiled code. esbuild transpiles src/ file by file, as tsc does
// for dist/, in about a second; type checking is `npm run typecheck`'s job.
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { REPO_ROOT } from "./server.js";

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "static" && e.name !== "testing") out.push(...(await sources(p)));
    } else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

export interface BuiltCli {
  /** Path of cli/main.js in the build. */
  main: string;
  remove(): Promise<void>;
}

/** Compiles src/ under node_modules/.cache (so packages resolve) and returns the CLI's path. */
export async function buildCli(): Promise<BuiltCli> {
  const root = join(REPO_ROOT, "node_modules", ".cache", `tokentrace-cli-${process.pid}-${Date.now()}`);
  const src = join(REPO_ROOT, "src");
  await mkdir(root, { recursive: true });
  // version.ts reads ../../package.json; "type": "module" makes the .js files ES modules
  await writeFile(join(root, "package.json"), JSON.stringify({ type: "module", version: "0.0.0-test" }));
  const outdir = join(root, "dist");
  await build({
    entryPoints: await sources(src),
    outdir,
    outbase: src,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "error",
  });
  await cp(join(src, "dashboard", "static"), join(outdir, "dashboard", "static"), { recursive: true });
  return { main: join(outdir, "cli", "main.js"), remove: () => rm(root, { recursive: true, force: true }) };
}
