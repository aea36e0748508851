// Compiles src/ to dist/ and copies the dashboard's static files beside the compiled code.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
if (existsSync("src/dashboard/static")) cpSync("src/dashboard/static", "dist/dashboard/static", { recursive: true });
