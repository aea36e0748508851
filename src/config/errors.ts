/** One thing wrong with the configuration, located where the user can fix it. */
export interface ConfigProblem {
  /** "tokentrace.yml:12:5", "environment variable TOKENTRACE_ADDR" or "flag --addr". */
  where: string;
  /** Dotted key path, e.g. "http_server.max_batch_size" or "alerts.rules[0].window". */
  path: string;
  message: string;
}

/** Thrown by loadConfig with every problem found, not just the first. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const n = problems.length;
    const lines = problems.map((p) => `  ${p.where}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
    super(`invalid configuration (${n} problem${n === 1 ? "" : "s"}):\n${lines.join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
