#!/usr/bin/env node
import { VERSION } from "../server/version.js";
import { MAIN_USAGE } from "./usage.js";

type Command = (argv: string[]) => Promise<number>;

// Each command is imported only when run, so `--help` and `check-config` never load the server or native drivers.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve.js")).runServe,
  "check-config": async () => (await import("./check-config.js")).runCheckConfig,
  import: async () => (await import("./import.js")).runImport,
  demo: async () => (await import("./demo.js")).runDemo,
  rollups: async () => (await import("./rollups.js")).runRollups,
  export: async () => (await import("./export.js")).runExport,
};

/** Runs the tokentrace CLI and returns its exit code. */
async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    console.error(MAIN_USAGE);
    return 2;
  }
  if (first === "-h" || first === "--help" || first === "help") {
    console.log(MAIN_USAGE);
    return 0;
  }
  if (first === "-v" || first === "--version" || first === "version") {
    console.log(`tokentrace ${VERSION}`);
    return 0;
  }
  const load = COMMANDS[first];
  if (load === undefined) {
    console.error(`tokentrace: unknown command ${JSON.stringify(first)}\n\n${MAIN_USAGE}`);
    return 2;
  }
  const run = await load();
  return run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("tokentrace: unexpected error:", err);
    process.exit(1);
  },
);
