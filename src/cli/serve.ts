import { parseArgs } from "node:util";
import { validateRule } from "../alerts/rule.js";
import { ConfigError, type ConfigFlags, loadConfig } from "../config/index.js";
import type { Config } from "../config/types.js";
import type { Store } from "../store/store.js";
import { parseOr } from "./args.js";
import { describeStartupError } from "./startup-error.js";
import { SERVE_USAGE } from "./usage.js";

interface Running {
  url: string;
  close(): Promise<void>;
}

const OPTIONS = {
  config: { type: "string" },
  addr: { type: "string" },
  "storage-driver": { type: "string" },
  "storage-path": { type: "string" },
  "storage-url": { type: "string" },
  demo: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Opens the store and seeds demo traffic into it when it is empty. */
async function demoStore(config: Config): Promise<Store> {
  const [{ openStore }, { seedDemo }, { createPricer }] = await Promise.all([
    import("../store/index.js"),
    import("../demo/index.js"),
    import("../pricing/index.js"),
  ]);
  const store = await openStore(config);
  try {
    if ((await store.countSpans()) === 0) {
      const r = await seedDemo(store, {
        now: Date.now(),
        scoreAttribute: config.quality.score_attribute,
        price: createPricer(config.pricing.overrides),
      });
      console.error(
        `tokentrace: demo traffic: ${r.spans.toLocaleString("en-US")} spans in ${r.traces.toLocaleString("en-US")} traces`,
      );
    } else {
      console.error("tokentrace: --demo: the store already holds spans; not adding demo traffic");
    }
    return store;
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

/**
 * `tokentrace serve`: runs the HTTP API until SIGTERM/SIGINT, then drains and resolves 0.
 * Resolves 1 on a startup failure (bad config, port in use, store locked), 2 on bad arguments.
 */
export async function runServe(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseOr("serve", Object.keys(OPTIONS), () => parseArgs({ args: argv, options: OPTIONS }).values);
  if (args === null) return 2;
  if (args.help) {
    console.log(SERVE_USAGE);
    return 0;
  }
  const flags: Partial<ConfigFlags> = {};
  if (args.addr !== undefined) flags.addr = args.addr;
  if (args["storage-driver"] !== undefined) flags.storage_driver = args["storage-driver"];
  else if (args.demo) flags.storage_driver = "memory";
  if (args["storage-path"] !== undefined) flags.storage_path = args["storage-path"];
  if (args["storage-url"] !== undefined) flags.storage_url = args["storage-url"];

  let config: Config;
  try {
    config = loadConfig({
      file: args.config,
      env,
      flags,
      onWarning: (w) => console.error(`warning: ${w}`),
      validateRule,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }

  let server: Running;
  try {
    const { startServer } = await import("../server/index.js");
    const store = args.demo ? await demoStore(config) : undefined;
    server = await startServer(config, { store });
  } catch (e) {
    console.error(`tokentrace: ${describeStartupError(e, config)}`);
    if (env.TOKENTRACE_DEBUG) console.error(e);
    return 1;
  }
  console.log(`tokentrace listening on ${server.url}`);
  return waitForSignal(server);
}

/** Exit code 1 at once, after stopping native store work that would abort the exit. */
async function exitNow(): Promise<never> {
  try {
    const { haltWorkers } = await import("../store/index.js");
    // an interrupted query returns in milliseconds; the bound only guards a stuck one
    await haltWorkers(3000);
  } finally {
    process.exit(1);
  }
}

/** First SIGTERM/SIGINT: close (drain and commit), resolve 0. A second one exits at once with 1. */
function waitForSignal(server: Running): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let exiting = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // more signals change nothing: exitNow() is already ending the process, within a bound
      if (exiting) return;
      if (stopping) {
        exiting = true;
        // the stop may empty the event loop before exitNow() gets there
        process.exitCode = 1;
        console.error(`tokentrace: ${signal} again, exiting without waiting`);
        void exitNow();
        return;
      }
      stopping = true;
      console.error(`tokentrace: ${signal} received, committing accepted spans and stopping`);
      // once a second signal came, exitNow() ends the process with 1, whatever this stop does
      server.close().then(
        () => exiting || resolve(0),
        (err: unknown) => {
          if (exiting) return;
          console.error(`tokentrace: error while stopping: ${(err as Error)?.message ?? String(err)}`);
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}
