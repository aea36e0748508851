// What people type for our flags, from other tools' habits: --port, --db, --database-url, ...
// Each maps to the flags meant, in order; the first one the command has wins.
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  port: ["addr"],
  listen: ["addr"],
  host: ["addr", "url"],
  bind: ["addr"],
  address: ["addr", "url"],
  server: ["url"],
  endpoint: ["url"],
  db: ["storage-url"],
  database: ["storage-url"],
  "database-url": ["storage-url"],
  url: ["storage-url"],
  path: ["storage-path"],
  file: ["storage-path"],
  "data-dir": ["storage-path"],
  driver: ["storage-driver"],
  store: ["storage-driver"],
  storage: ["storage-driver"],
  "config-file": ["config"],
  auth: ["token"],
  "api-token": ["token"],
  key: ["token"],
  batch: ["batch-size"],
  retries: ["max-attempts"],
  attempts: ["max-attempts"],
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/**
 * The known flag a mistyped one most likely meant: a common synonym (--port → addr), else
 * the closest name within a couple of typos; null when nothing is close.
 *
 * @example nearestFlag("--port", ["addr", "config"]) // "addr"
 */
export function nearestFlag(typed: string, known: readonly string[]): string | null {
  const name = typed.replace(/^-+/, "").split("=")[0].toLowerCase();
  const synonym = SYNONYMS[name]?.find((s) => known.includes(s));
  if (synonym !== undefined) return synonym;
  let best: string | null = null;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** A parseArgs error in one line: what was wrong, the flag meant, where the full usage is. */
export function argsErrorLine(command: string, err: unknown, known: readonly string[]): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  const help = `run tokentrace ${command} --help for every option`;
  if (e?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const typed = /'([^']+)'/.exec(message)?.[1] ?? "";
    const near = nearestFlag(typed, known);
    const hint = near === null ? "" : `; did you mean --${near}?`;
    return `tokentrace ${command}: unknown option ${typed}${hint} (${help})`;
  }
  // node's other messages are one sentence plus advice about "--": keep the sentence
  return `tokentrace ${command}: ${message.split(". ")[0].replace(/\.$/, "")} (${help})`;
}

/**
 * Runs `parse` (a parseArgs call); on a bad argument prints one line to stderr and returns
 * null (the caller exits 2).
 *
 * @example const args = parseOr("serve", Object.keys(OPTIONS), () => parseArgs({ args: argv, options: OPTIONS }).values);
 */
export function parseOr<T>(command: string, known: readonly string[], parse: () => T): T | null {
  try {
    return parse();
  } catch (e) {
    console.error(argsErrorLine(command, e, known));
    return null;
  }
}
