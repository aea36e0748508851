import { parseArgs } from "node:util";
import { validateRule } from "../alerts/rule.js";
import { ConfigError, loadConfig } from "../config/index.js";
import { DuckDbStore, dimensionsOf } from "../store/index.js";
import { ROLLUPS_USAGE } from "./usage.js";

const DAY = 86_400_000;

/** One line of progress: a bar on a terminal, plain lines otherwise (logs, pipes). */
function progressLine(done: number, total: number, tty: boolean): string {
  const pct = total === 0 ? 100 : Math.min(100, Math.round((done / total) * 100));
  if (!tty) return `rebuilt ${done}/${total} days (${pct}%)\n`;
  const width = 30;
  const filled = Math.round((pct / 100) * width);
  return `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${pct}% ${done}/${total} days`;
}

/**
 * `tokentrace rollups rebuild`: recomputes the DuckDB store's rollups from its spans, one day
 * per transaction. Killed midway, the next run resumes from the day it reached. Run it with
 * the server stopped (a DuckDB file has one process at a time). 0 done, 1 failure, 2 usage.
 */
export async function runRollups(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed: { values: { config?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { config: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    console.error(`tokentrace rollups: ${(e as Error).message}\n\n${ROLLUPS_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(ROLLUPS_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== "rebuild") {
    console.error(`tokentrace rollups: expected "rebuild"\n\n${ROLLUPS_USAGE}`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ file: parsed.values.config, env, flags: {}, validateRule });
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) console.error(`${p.where} ${p.path}: ${p.message}`);
      return 1;
    }
    throw e;
  }
  if (config.storage.driver !== "duckdb") {
    console.error(`tokentrace rollups: storage.driver is ${config.storage.driver}; rebuild applies to duckdb stores`);
    return 1;
  }
  const tty = process.stderr.isTTY === true;
  const store = await DuckDbStore.open(config.storage.path, { dimensions: dimensionsOf(config), rebuild: "none" });
  try {
    await store.rebuildRollups((p) => {
      if (p.first === null || p.last === null || p.next === null) return;
      const total = (p.last - p.first) / DAY + 1;
      const done = Math.max(0, Math.min(total, (p.next - p.first) / DAY));
      process.stderr.write(progressLine(done, total, tty));
    });
    if (tty) process.stderr.write("\n");
    console.log(`rollups rebuilt from ${await store.countSpans()} spans in ${config.storage.path}`);
    return 0;
  } catch (e) {
    console.error(`tokentrace rollups: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store.close();
  }
}
